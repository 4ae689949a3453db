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
        key: value for key, value in contract.REST.document.items() if key != "servers"
    }
    assert client.get(BASE + "api/publication/v2.1/openapi.yaml").content == contract.REST.path.read_bytes()


def test_the_document_states_the_official_shapes(db):
    schemas = contract.REST.document["components"]["schemas"]
    paths = contract.REST.document["paths"]

    assert "201" in paths["/searchMessageStatus"]["post"]["responses"]
    assert schemas["MessageIdEboxId"]["properties"]["eboxId"] == {"$ref": "#/components/schemas/EboxId"}
    assert schemas["Message"]["properties"]["attachments"] == {"$ref": "#/components/schemas/Attachments"}
    assert set(schemas["StatusMessage"]["properties"]) == {"id", "code", "message", "contact", "environment"}
    received_after = next(
        p for p in paths["/ebox/messages"]["get"]["parameters"] if p.get("name") == "receivedAfter"
    )
    assert received_after["schema"] == {"type": "string", "format": "date"}


def test_the_federation_serves_its_own_document_stating_the_official_operation(client, db):
    response = client.get(BASE + "api/federation/v1/openapi.json")

    document = response.json()
    assert (
        document["info"] == {**contract.FEDERATION.document["info"]} and document["info"]["version"] == "1.3"
    )
    assert document["servers"] == [{"url": "http://testserver/simulators/ebox/api/federation/v1"}]
    operation = document["paths"]["/eboxPreferences/search"]["post"]
    assert operation["operationId"] == "getEboxPreferencesByList"
    assert set(operation["responses"]) == {"200", "400", "401", "404"}
    schemas = document["components"]["schemas"]
    assert schemas["EboxIdSameTypeList"]["required"] == ["eboxType", "eboxIdType", "eboxIdValueList"]
    assert "SIMULATION" in schemas["StatusMessage"]["properties"]["environment"]["enum"]
    assert (
        client.get(BASE + "api/federation/v1/openapi.yaml").content == contract.FEDERATION.path.read_bytes()
    )


def test_neither_document_describes_a_client_secret_token_step(db):
    for document in (contract.REST, contract.FEDERATION):
        text = document.path.read_text()
        assert "client_secret" not in text and "/oauth2/token" not in document.document["paths"]
