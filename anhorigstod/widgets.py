from django import forms


class DateInput(forms.DateInput):
    """The browser's own date picker; ISO format so that every browser reads the value."""

    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)
