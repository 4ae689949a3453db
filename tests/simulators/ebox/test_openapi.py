"""The simulator serves the project's OpenAPI document, which states the official eBox REST 2.1."""

from simulators.ebox import contract

from .conftest import BASE


def test_the_served_document_is_the_project_yaml_with_its_server(client, db):
    response = client.get(BASE + "api/publication/v2.1/openapi.json")

    assert response.status_code == 200
    document = response.json()
    assert document["openapi"].startswith("3.")
    assert document["info"]["version"] == "2.1"
    assert document["servers"] == [{"url": "http://testserver/simulators/ebox/api/publication/v2.1"}]
    assert {key: value for key, value in document.items() if key != "servers"} == {
        key: value for key, value in contract.document().items() if key != "servers"
    }
    assert (
        client.get(BASE + "api/publication/v2.1/openapi.yaml").content == contract.DOCUMENT_PATH.read_bytes()
    )


def test_the_document_states_the_official_shapes(db):
    schemas = contract.document()["components"]["schemas"]
    paths = contract.document()["paths"]

    assert "201" in paths["/searchMessageStatus"]["post"]["responses"]
    assert schemas["MessageIdEboxId"]["properties"]["eboxId"] == {"$ref": "#/components/schemas/EboxId"}
    assert schemas["Message"]["properties"]["attachments"] == {"$ref": "#/components/schemas/Attachments"}
    assert set(schemas["StatusMessage"]["properties"]) == {"id", "code", "message", "contact", "environment"}
    received_after = next(
        p for p in paths["/ebox/messages"]["get"]["parameters"] if p.get("name") == "receivedAfter"
    )
    assert received_after["schema"] == {"type": "string", "format": "date"}
