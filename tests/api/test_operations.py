"""Every API operation declares the policy action it acts under, as every page does."""

from __future__ import annotations

from django.test import Client
from django.urls import URLResolver, get_resolver

from corridor.accounts import policy
from corridor.api.main import api


def test_every_api_operation_declares_a_policy_action():
    operations = [
        (path, operation)
        for _prefix, router in api._routers
        for path, path_view in router.path_operations.items()
        for operation in path_view.operations
    ]
    assert len(operations) >= 9
    undeclared = [
        (path, operation.methods)
        for path, operation in operations
        if policy.policy_of(operation.view_func) not in policy.RULES
    ]
    assert undeclared == []


def test_the_api_urls_are_its_operations_the_openapi_document_and_an_empty_root():
    (resolver,) = [
        entry
        for entry in get_resolver().url_patterns
        if isinstance(entry, URLResolver) and entry.namespace == "api"
    ]
    names = {pattern.name for pattern in resolver.url_patterns}
    operation_names = {
        operation.view_func.__name__
        for _prefix, router in api._routers
        for path_view in router.path_operations.values()
        for operation in path_view.operations
    }
    assert names - operation_names == {"openapi-json", "api-root"}
    assert Client().get("/api/v1/").status_code == 404


def test_the_openapi_document_is_served_and_names_the_token_scheme(db):
    document = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/cases" in document["paths"]
    assert "TokenAuth" in document["components"]["securitySchemes"]
