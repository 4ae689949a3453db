import json

from .conftest import BASE


def test_openapi_document_is_served_and_describes_the_implemented_paths(client, db):
    response = client.get(BASE + "api/publication/v2.1/openapi.json")

    assert response.status_code == 200
    document = json.loads(response.content)
    assert document["openapi"].startswith("3.")
    assert {"/api/publication/v2.1/publishMessage", "/api/publication/v2.1/searchMessageStatus"} <= set(
        document["paths"]
    )
    publish = document["paths"]["/api/publication/v2.1/publishMessage"]["post"]
    assert "409" in publish["responses"]
    assert "messageId" in publish["parameters"][0]["description"]
    assert document["servers"][0]["url"].endswith("/simulators/ebox/")


def test_every_schema_reference_resolves(client, db):
    document = client.get(BASE + "api/publication/v2.1/openapi.json").json()
    text = json.dumps(document)
    refs = {part.split('"')[0] for part in text.split('"$ref": "#/components/schemas/')[1:]}

    assert refs and refs <= set(document["components"]["schemas"])
