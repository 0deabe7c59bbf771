"""A document seen before is not validated again: the limits' rule classes stay the same
across requests, so strawberry's validation cache (keyed by them) answers."""

from __future__ import annotations

from strawberry.extensions.validation_cache import DEFAULT_MAXSIZE, _get_validate_cache

from okr_api.graphql.schema import AliasLimit, DepthLimit
from tests.api.conftest import Api, World


def test_the_limits_use_the_same_rule_classes_every_time() -> None:
    assert DepthLimit().validation_rules is DepthLimit().validation_rules
    assert AliasLimit().validation_rules is AliasLimit().validation_rules
    assert DepthLimit().validation_rules
    assert AliasLimit().validation_rules


async def test_a_repeated_document_is_validated_once(api: Api, world: World) -> None:
    query = "query Me { viewer { subject roles } }"
    cache = _get_validate_cache(DEFAULT_MAXSIZE)
    first = await api.gql(query)
    misses, hits = cache.cache_info().misses, cache.cache_info().hits
    for _ in range(3):
        assert await api.gql(query) == first
    assert cache.cache_info().misses == misses
    assert cache.cache_info().hits == hits + 3


async def test_limits_still_apply_to_cached_documents(api: Api, world: World) -> None:
    deep = "query { viewer { " + "person { team { " * 8 + "name" + " } }" * 8 + " } }"
    for _ in range(2):
        body = await api.gql(deep)
        assert body["errors"], body
        assert "depth" in body["errors"][0]["message"].lower()
