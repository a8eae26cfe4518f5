"""Small helpers shared by the plan tests."""

API = "/api/v1/plans"


def ok(response, status=200) -> dict:
    assert response.status_code == status, response.get_json()
    return response.get_json()


def etag(response) -> str:
    return response.headers["ETag"]
