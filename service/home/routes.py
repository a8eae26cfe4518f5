"""``/api/v1`` and ``/``: the index document, public and outside the OpenAPI document.

A plain Flask blueprint (not flask-smorest), like the OpenAPI document and the docs
UI themselves: it describes the API rather than being one of its operations. ``/``
answers the same document until a web application takes that path over.
"""

from flask import Blueprint, jsonify

from service.home.services import api_index

blp = Blueprint("home", __name__)


@blp.get("/")
@blp.get("/api/v1")
@blp.get("/api/v1/")
def index():
    return jsonify(api_index())
