"""The allocation office's open referrals, soonest answer deadline first.

``GET /api/v1/referrals?open=true`` as a page: the same service (row rules, audit of every row
shown) and schema. Registering and answering referrals are the next pages of this area.
"""

from __future__ import annotations

from flask import render_template, request

from service.referrals import services as referrals
from service.referrals.schemas import ReferralSchema
from service.web.blueprint import web_blueprint

blp = web_blueprint("web_referrals", __name__, "/referrals")

PAGE_SIZE = 50


@blp.get("")
def open_referrals():
    value = request.args.get("page", "1")
    page = max(1, min(int(value), 10_000)) if value.isdigit() else 1
    items, total = referrals.list_referrals({"open": True}, page, PAGE_SIZE)
    return render_template("referrals/list.html", referrals=ReferralSchema(many=True).dump(items), total=total,
                           page=page, pages=max(1, -(-total // PAGE_SIZE)))
