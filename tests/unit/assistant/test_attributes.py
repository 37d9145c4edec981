import pytest

from analytics.assistant.attributes import AttributeFormatError, parse_attribute, readable_attribute


@pytest.mark.parametrize(
    ("raw", "readable"),
    [
        ('unit_count:  { type:{ value:"count" }, value:1. }', "unit count: 1"),
        ("number_of_items:  { value:1 }", "number of items: 1"),
        (
            "item_weight:  { unit:pounds, normalized_value:{ unit:pounds, value:4.81 }, value:4.81 }",
            "item weight: 4.81 pounds",
        ),
        ("is_heat_sensitive:  { value:false }", "is heat sensitive: no"),
        ('color:  { standardized_values:[ "silver" ], value:"silver" }', "color: silver"),
        ('size:  { value:"13|" x 13|" x 13|"" }', 'size: 13" x 13" x 13"'),
        ('size:  { value:"pack of 12, dia 20cm, 8\\"" }', 'size: pack of 12, dia 20cm, 8"'),
        (
            'compatible_devices:  { value:"apple ipad 3" }; { value:"apple ipad air" }',
            "compatible devices: apple ipad 3, apple ipad air",
        ),
        (
            "item_dimensions:  { width:{ unit:centimeters, normalized_value:{ unit:inches, value:5.51 }, value:14. },"
            " height:{ unit:inches, value:2.09 } }",
            "item dimensions: width 14 centimeters, height 2.09 inches",
        ),
        ("format:  { value:electronic_software_download }", "format: electronic software download"),
    ],
)
def test_attribute_strings_become_readable(raw, readable):
    assert readable_attribute(raw) == readable


@pytest.mark.parametrize(
    "raw", ["no colon here", "size: { value:", 'size:  { value:"open }', "size: { value:1 } extra"]
)
def test_malformed_attributes_raise_with_the_place(raw):
    with pytest.raises(AttributeFormatError, match="expected"):
        parse_attribute(raw)


def test_text_that_is_not_an_attribute_is_kept_tidied():
    assert readable_attribute("  works with   the ipad  ") == "works with the ipad"
