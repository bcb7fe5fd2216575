"""CSV downloads that Excel opens with å, ä and ö intact: UTF-8 with a byte-order mark."""

import csv

from django.http import HttpResponse


def csv_response(filename: str, columns, rows, note: str = "") -> HttpResponse:
    """The rows under their column headings; a note (what a publication mark means) as a last line."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")  # Swedish Excel reads semicolons
    writer.writerow([str(c) for c in columns])
    for row in rows:
        writer.writerow([str(value) for value in row])
    if note:
        writer.writerow([str(note)])
    return response
