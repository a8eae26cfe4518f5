"""The API's front door: what this service is and where its parts are (no token needed)."""
