"""``/api/v1`` and ``/``: the index document, public and outside the OpenAPI document.

A plain Flask blueprint (not flask-smorest), like the OpenAPI document and the docs
UI themselves: it describes the API rather than being one of its operations. ``/``
answers the same document to a client, and sends a browser (one that prefers HTML) to the
officer web application at ``/app/``.
"""

from flask import Blueprint, jsonify, redirect, request, url_for

from service.home.services import api_index

blp = Blueprint("home", __name__)


@blp.get("/")
@blp.get("/api/v1")
@blp.get("/api/v1/")
def index():
    if request.path == "/" and request.accept_mimetypes.best_match(("application/json", "text/html")) == "text/html":
        return redirect(url_for("web_home.start"))
    return jsonify(api_index())
