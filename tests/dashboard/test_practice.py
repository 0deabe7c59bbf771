"""The dashboard as a place to practise: alignment negotiated both ways through the two
inboxes, check-ins made in the dashboard arriving live on another one, support, the
organization's time zone, and the dashboard in Japanese (its screenshots are kept in
tests/dashboard/screenshots/).

Parts the service's schema does not offer yet skip, saying what is missing. These tests
run on a demo service of their own: they change its data."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.dashboard.conftest import open_page
from tests.dashboard.pages import bar_score, expect, sign_in, sign_in_with_token, wait_for_tree
from tests.dashboard.practice import (
    alignment_of,
    inbox,
    new_objective,
    open_objective,
    own_objective_to_move,
    person,
    propose_from_dialog,
    refresh_practice,
    schema_offers,
    team_objective_of,
    update_policy,
)
from tests.dashboard.service import Service, start_seeded_service, start_service
from tests.dashboard.service import _cli as cli

STATIC = Path(__file__).resolve().parents[2] / "src" / "okr_api" / "dashboard" / "static"
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
OFFERS = schema_offers()
needs_inbox = pytest.mark.skipif(
    not OFFERS.inbox, reason="the service's schema has no alignmentProposals(filter) yet")
needs_time_zone = pytest.mark.skipif(
    not OFFERS.time_zone, reason="the service's schema has no OkrPolicy.timeZone yet")
needs_one_on_one = pytest.mark.skipif(
    not OFFERS.one_on_one, reason="the service's schema has no oneOnOne and Viewer.reports yet")


@pytest.fixture(scope="module")
def practice(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    service = start_service(tmp_path_factory.mktemp("practice") / "data", demo=True)
    try:
        yield service
    finally:
        service.stop()


@pytest.fixture
def two_pages(browser: Any, practice: Service) -> Iterator[tuple[Any, Any]]:
    """Two people's dashboards side by side; no script may fail on either."""
    contexts = [open_page(browser) for _ in range(2)]
    try:
        yield contexts[0][1], contexts[1][1]
        for _, _, recorder in contexts:
            assert recorder.foreign(practice.base_url) == []
            assert recorder.console_errors == [], recorder.console_errors
    finally:
        for context, _, _ in contexts:
            context.close()


@pytest.fixture
def practice_page(two_pages: tuple[Any, Any]) -> Any:
    return two_pages[0]


def sign_in_practising(page: Any, service: Service, label: str) -> None:
    sign_in(page, service, label)
    expect(page.locator("#practice")).not_to_have_attribute("data-loading", "true")


# --- The catalog ------------------------------------------------------------------------

def _catalog_keys(language: str) -> set[str]:
    text = (STATIC / "messages.js").read_text()
    block = text.split(f"const {language} = {{", 1)[1].split("\n};", 1)[0]
    return set(re.findall(r'^\s+"([\w.]+)":', block, flags=re.MULTILINE))


def test_every_message_is_in_both_languages() -> None:
    english, japanese = _catalog_keys("en"), _catalog_keys("ja")
    assert len(english) > 200
    assert english - japanese == set(), "untranslated"
    assert japanese - english == set(), "unknown to English"
    used: set[str] = set()
    for script in STATIC.glob("*.js"):
        used |= set(re.findall(r'\bt\("([\w.]+)"', script.read_text()))
    used |= set(re.findall(r'data-i18n(?:-label)?="([\w.]+)"', (STATIC / "index.html").read_text()))
    assert used - english == set(), "used but missing from the catalog"


# --- Negotiation both ways --------------------------------------------------------------

@needs_inbox
def test_a_manager_proposes_the_member_declines_then_accepts(
        two_pages: tuple[Any, Any], practice: Service, artifacts: Path) -> None:
    manager_page, member_page = two_pages
    objective_id = new_objective(practice, "member", "Learn the new deployment pipeline")
    parent = team_objective_of(practice, "member")
    sign_in_practising(manager_page, practice, "manager")
    sign_in_practising(member_page, practice, "member")
    expect(member_page.locator("#inbox-awaiting li.empty")).to_have_count(1)

    # 1. The manager asks "shall we?" from the member's objective.
    dialog = open_objective(manager_page, objective_id)
    propose_from_dialog(dialog, parent, "Shall we put this under our team's objective?")
    expect(inbox(manager_page, "mine", "PENDING")).to_have_count(1)
    manager_page.keyboard.press("Escape")
    expect(inbox(manager_page, "awaiting")).to_have_count(0)  # it awaits the member, not her
    refresh_practice(member_page)
    awaiting = inbox(member_page, "awaiting", "PENDING")
    expect(awaiting).to_have_count(1)
    expect(awaiting).to_contain_text("Learn the new deployment pipeline")
    expect(awaiting).to_contain_text(parent["title"])
    expect(awaiting).to_contain_text("Shall we put this under our team's objective?")
    expect(inbox(member_page, "mine", "PENDING")).to_have_count(0)  # she asked nothing open
    member_page.locator("#practice").screenshot(path=str(artifacts / "inbox-awaiting.png"))

    # 2. The member declines, saying why; a decline without a reason is not sent.
    awaiting.get_by_role("button", name="Decline…").click()
    awaiting.get_by_role("button", name="Decline", exact=True).click()
    expect(awaiting.locator("p.error")).to_have_text("Say why you decline.")
    awaiting.locator("textarea.decline-reason").fill("I am on the migration all quarter")
    awaiting.get_by_role("button", name="Decline", exact=True).click()
    expect(inbox(member_page, "awaiting")).to_have_count(0)
    expect(member_page.locator("#inbox-awaiting li.empty")).to_have_count(1)
    refresh_practice(manager_page)
    declined = inbox(manager_page, "mine", "DECLINED")
    expect(declined).to_have_count(1)
    expect(declined).to_contain_text("Reason: I am on the migration all quarter")
    expect(inbox(manager_page, "mine", "PENDING")).to_have_count(0)
    assert alignment_of(practice, objective_id)["parent"] is None

    # 3. The manager asks again; 4. the member accepts.
    dialog = open_objective(manager_page, objective_id)
    propose_from_dialog(dialog, parent, "Only the first key result, then?")
    expect(inbox(manager_page, "mine", "PENDING")).to_have_count(1)
    expect(inbox(manager_page, "mine")).to_have_count(2)
    manager_page.keyboard.press("Escape")
    refresh_practice(member_page)
    awaiting = inbox(member_page, "awaiting", "PENDING")
    expect(awaiting).to_have_count(1)
    expect(awaiting).to_contain_text("Only the first key result, then?")
    awaiting.get_by_role("button", name="Accept").click()
    expect(inbox(member_page, "awaiting")).to_have_count(0)
    refresh_practice(manager_page)
    expect(inbox(manager_page, "mine", "ACCEPTED")).to_have_count(1)
    expect(inbox(manager_page, "mine", "DECLINED")).to_have_count(1)
    expect(inbox(manager_page, "mine", "PENDING")).to_have_count(0)
    manager_page.locator("#practice").screenshot(path=str(artifacts / "inbox-mine.png"))

    alignment = alignment_of(practice, objective_id)
    assert alignment["parent"] == {"id": parent["id"]}
    statuses = sorted(p["status"] for p in alignment["alignmentProposals"])
    assert statuses == ["ACCEPTED", "DECLINED"]
    assert {p["awaitingSide"] for p in alignment["alignmentProposals"]} == {"CHILD"}


@needs_inbox
def test_the_member_may_not_answer_her_own_proposal(
        two_pages: tuple[Any, Any], practice: Service) -> None:
    """A member's "could you?" awaits the parent's side: it is in her "asked by me" list
    with a withdraw button and no accept; she withdraws it."""
    member_page, _ = two_pages
    objective_id = new_objective(practice, "member", "Write the on-call handbook")
    parent = team_objective_of(practice, "member")
    sign_in_practising(member_page, practice, "member")
    dialog = open_objective(member_page, objective_id)
    dialog.locator("details.propose > summary").click()
    form = dialog.locator("form.proposal-form")
    expect(form.locator('input[value="CHILD"]')).to_be_checked()  # her own objective
    form.locator("input.proposal-search").fill(parent["title"][:12])
    target = form.locator("select.proposal-target")
    expect(target.locator("option")).not_to_have_count(0)
    target.select_option(parent["id"])
    form.get_by_role("button", name="Send the proposal").click()
    mine = inbox(member_page, "mine", "PENDING")
    expect(mine).to_have_count(1)
    member_page.keyboard.press("Escape")
    expect(mine.get_by_role("button", name="Accept")).to_have_count(0)
    expect(inbox(member_page, "awaiting")).to_have_count(0)
    mine.get_by_role("button", name="Withdraw").click()
    expect(inbox(member_page, "mine", "WITHDRAWN")).to_have_count(1)
    statuses = [p["status"] for p in alignment_of(practice, objective_id)["alignmentProposals"]]
    assert statuses == ["WITHDRAWN"]


# --- Check-ins and support --------------------------------------------------------------

def test_a_check_in_made_in_the_dashboard_arrives_on_another_live_dashboard(
        two_pages: tuple[Any, Any], practice: Service, artifacts: Path) -> None:
    member_page, watching = two_pages
    objective_id, key_result = own_objective_to_move(practice, "member")
    sign_in(watching, practice, "admin")
    watching.get_by_role("checkbox", name="Live").check()
    expect(watching.locator("#live-status")).to_have_attribute("data-mode", "subscription")
    watching.get_by_role("button", name="Expand all").click()
    bar = watching.locator(f'li[data-id="{objective_id}"] > .row > .scorebar')
    shown = bar.get_attribute("data-score")
    before = bar_score(watching, objective_id)

    sign_in(member_page, practice, "member")
    dialog = open_objective(member_page, objective_id)
    row = dialog.locator(f'li.key-result[data-id="{key_result["id"]}"]')
    row.get_by_role("button", name=f'Check in on {key_result["title"]}').click()
    form = row.locator("form.check-in-form")
    form.get_by_label("New value").fill(str(key_result["target"]))
    form.get_by_label("Confidence (0-10)").fill("8")
    form.get_by_label("Note").fill("shipped the last piece")
    form.get_by_label("Made in a 1:1").check()
    member_page.screenshot(path=str(artifacts / "check-in-form.png"))
    form.get_by_role("button", name="Record the check-in").click()
    # The dialog draws the objective again with the new check-in.
    expect(dialog.locator(f'li.key-result[data-id="{key_result["id"]}"] .kr-title')).to_be_visible()
    expect(dialog.locator("#detail-history")).to_contain_text("shipped the last piece")

    expect(bar).not_to_have_attribute("data-score", shown, timeout=15_000)
    assert bar_score(watching, objective_id) > before


def test_support_and_withdraw_support_from_the_dashboard(
        two_pages: tuple[Any, Any], practice: Service) -> None:
    page, _ = two_pages
    objective_id = team_objective_of(practice, "member")["id"]
    me = person(practice, "member")
    sign_in(page, practice, "member")
    dialog = open_objective(page, objective_id)
    dialog.get_by_role("button", name="Support this objective").click()
    expect(dialog.locator("ul.supporters")).to_contain_text(me["name"])
    dialog.get_by_role("button", name="Withdraw my support").click()
    expect(dialog.get_by_role("button", name="Support this objective")).to_be_visible()
    expect(dialog.locator("ul.supporters")).to_have_count(0)


# --- Time zone --------------------------------------------------------------------------

@needs_time_zone
def test_days_are_the_organization_s_days(practice_page: Any, practice: Service) -> None:
    """With the organization in Tokyo, a day of the slider ends at 23:59:59 Tokyo time,
    not UTC."""
    page = practice_page
    update_policy(practice, timeZone="Asia/Tokyo")
    try:
        sign_in(page, practice, "admin")
        slider = page.get_by_label("As of")
        expect(slider).to_be_enabled()
        slider.focus()
        page.keyboard.press("Home")
        expect(page.locator("body")).not_to_have_attribute("data-as-of", "")
        as_of = page.locator("body").get_attribute("data-as-of")
        assert as_of.endswith("T23:59:59+09:00"), as_of
        wait_for_tree(page)
    finally:
        update_policy(practice, timeZone="UTC")


# --- Japanese ---------------------------------------------------------------------------

LEFTOVER_ENGLISH = """async () => {
  const { MESSAGES } = await import('/dashboard/messages.js');
  const english = new Map();
  for (const [key, value] of Object.entries(MESSAGES.en)) {
    if (typeof value !== 'string' || MESSAGES.ja[key] === value) continue;
    const literal = value.split('{')[0].trim();
    if (literal.length >= 4) english.set(literal, value.includes('{'));
  }
  const seen = [];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    const element = walker.currentNode.parentElement;
    if (text && element && element.checkVisibility()) seen.push(text);
  }
  for (const element of document.querySelectorAll('[aria-label]')) {
    if (element.checkVisibility()) seen.push(element.getAttribute('aria-label'));
  }
  return seen.filter((text) => [...english].some(([literal, prefix]) =>
    (prefix ? text.startsWith(literal) : text === literal)));
}"""


def _no_english_left(page: Any) -> None:
    assert page.evaluate(LEFTOVER_ENGLISH) == []


def test_the_dashboard_in_japanese(browser: Any, practice: Service) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{practice.base_url}/")
        expect(page.locator("html")).to_have_attribute("lang", "ja")
        expect(page.locator("#sign-in-title")).to_have_text("サインイン")
        page.get_by_role("button", name="manager としてサインイン").click()
        wait_for_tree(page)
        expect(page.locator("#practice")).not_to_have_attribute("data-loading", "true")
        expect(page.locator("h1")).to_have_text("OKR ダッシュボード")
        expect(page.locator("#tree-title")).to_have_text("アラインメントツリー")
        expect(page.locator("#tree-summary")).to_contain_text("全社目標 3 件")
        expect(page.locator("#stretch-title")).to_have_text("ストレッチの状況")
        expect(page.locator("#stretch .legend")).to_contain_text("スイートスポット")
        expect(page.locator("#list-low h3")).to_contain_text("低い（0.3 未満）")  # noqa: RUF001
        expect(page.locator("#stretch-facts")).to_contain_text("コミット目標の達成率")
        expect(page.locator("#who")).to_contain_text("マネージャー")
        expect(page.locator("#live-status")).to_have_text("オフ")
        first = page.locator("#tree > li.node").first
        first.locator(":scope > .row > .toggle").click()
        expect(first.locator(":scope > .children > li.node").first).to_be_visible()
        expect(first.locator(".meta").first).to_contain_text("全社")
        if OFFERS.inbox:
            expect(page.locator("#inbox-title")).to_have_text("アラインメントの提案")
        _no_english_left(page)
        page.screenshot(path=str(SCREENSHOTS / "ja-dashboard.png"), full_page=True)
        page.locator("#stretch-panel").screenshot(path=str(SCREENSHOTS / "ja-stretch.png"))

        first.locator(":scope > .row .title").click()
        dialog = page.locator("dialog#detail")
        expect(dialog.locator("li.key-result").first).to_be_visible()
        expect(dialog.locator("#detail-krs")).to_contain_text("主要な結果")
        expect(dialog.locator(".facts")).to_contain_text("オーナー")
        expect(dialog.locator("#detail-history li").first).to_be_visible()
        expect(dialog.locator("#detail-history")).to_contain_text("目標を作成")
        dialog.get_by_role("button", name="チェックイン").first.click()
        check_in = dialog.locator("form.check-in-form").first
        expect(check_in).to_contain_text("自信度（0～10）")  # noqa: RUF001
        check_in.scroll_into_view_if_needed()
        _no_english_left(page)
        page.screenshot(path=str(SCREENSHOTS / "ja-check-in.png"))
        dialog.locator("details.propose > summary").click()
        dialog.locator("form.proposal-form").scroll_into_view_if_needed()
        _no_english_left(page)
        page.screenshot(path=str(SCREENSHOTS / "ja-objective.png"))
        page.keyboard.press("Escape")
        assert errors == []
    finally:
        context.close()


def test_the_language_is_switchable_and_remembered(practice_page: Any,
                                                  practice: Service) -> None:
    page = practice_page
    sign_in(page, practice, "admin")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("Language").select_option("ja")
    expect(page.locator("#tree-title")).to_have_text("アラインメントツリー")
    expect(page.locator("#expand-all")).to_have_text("すべて展開")
    expect(page.locator("#list-too-safe h3")).to_contain_text("安全すぎ")
    page.reload()
    wait_for_tree(page)
    expect(page.locator("html")).to_have_attribute("lang", "ja")
    expect(page.locator("h1")).to_have_text("OKR ダッシュボード")
    page.get_by_label("言語").select_option("en")
    expect(page.locator("h1")).to_have_text("OKR dashboard")
    expect(page.locator("#tree-title")).to_have_text("Alignment tree")


# --- Check-ins due and the 1:1 ------------------------------------------------------------
# On a seeded organization: its check-ins were recorded over the weeks of the cycle, so
# some are due now; the demo's were all recorded when it loaded.

needs_check_ins_due = pytest.mark.skipif(
    not OFFERS.check_ins_due, reason="the service's schema has no Viewer.checkInsDue yet")
CADENCE = "{ viewer { organization { policy { checkInCadenceDays } } } }"
DUE = "{ viewer { checkInsDue { dueSince keyResult { id title } objective { id } } } }"
REPORTS = "{ viewer { person { id name } reports { id name } } }"
EXTERNAL_IDS = "{ people(first: 100) { edges { node { id externalId } } } }"
ONE_ON_ONE = """query($reportId: ID!) { oneOnOne(reportId: $reportId) {
  manager { name } report { name } objectives { id } checkInsSinceLastOneOnOne { id }
  confidenceTrend { at } openProposals { id } } }"""


@pytest.fixture(scope="module")
def seeded(browser: Any, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Service]:
    data = tmp_path_factory.mktemp("seeded-practice") / "data"
    service = start_seeded_service(data)
    service.tokens["data-dir"] = str(data)
    try:
        yield service
    finally:
        service.stop()


def seeded_token(service: Service, subject: str, roles: str = "MEMBER") -> str:
    return cli("token", "--organization", "seeded", "--subject", subject, "--roles", roles,
               data_dir=Path(service.tokens["data-dir"]))


@pytest.fixture
def seeded_pages(browser: Any, seeded: Service) -> Iterator[tuple[Any, Any]]:
    contexts = [open_page(browser) for _ in range(2)]
    try:
        yield contexts[0][1], contexts[1][1]
        for _, _, recorder in contexts:
            assert recorder.foreign(seeded.base_url) == []
            # Not a demo server: the page's look-up of /demo/tokens answers 404.
            assert [e for e in recorder.console_errors if "404" not in e] == []
    finally:
        for context, _, _ in contexts:
            context.close()


@needs_check_ins_due
def test_check_ins_due_and_checking_one_in(seeded_pages: tuple[Any, Any],
                                           seeded: Service) -> None:
    """With a one-day cadence a member's key results are due; she checks one in from the
    list and it leaves the list."""
    page, _ = seeded_pages
    token = seeded_token(seeded, "e000005")
    cadence = seeded.gql(CADENCE)["viewer"]["organization"]["policy"]["checkInCadenceDays"]
    update_policy(seeded, checkInCadenceDays=1)
    try:
        due = seeded.gql(DUE, token=token)["viewer"]["checkInsDue"]
        assert due, "nothing is due at a one-day cadence"
        sign_in_with_token(page, seeded, token)
        expect(page.locator("#due-title")).to_have_text(f"Check-ins due: {len(due)}")
        items = page.locator("#due-list li.due")
        expect(items).to_have_count(min(len(due), 6))
        key_result_id = items.first.get_attribute("data-id")
        chosen = next(d for d in due if d["keyResult"]["id"] == key_result_id)
        items.first.get_by_role("button").click()
        dialog = page.locator("dialog#detail")
        row = dialog.locator(f'li.key-result[data-id="{key_result_id}"]')
        row.get_by_role("button", name=f'Check in on {chosen["keyResult"]["title"]}').click()
        row.get_by_role("button", name="Record the check-in").click()
        expect(page.locator("#due-title")).to_have_text(f"Check-ins due: {len(due) - 1}")
        expect(page.locator(f'#due-list li.due[data-id="{key_result_id}"]')).to_have_count(0)
        page.keyboard.press("Escape")
    finally:
        update_policy(seeded, checkInCadenceDays=cadence)


@needs_one_on_one
def test_the_one_on_one_view_of_a_manager_and_a_report(
        seeded_pages: tuple[Any, Any], seeded: Service, artifacts: Path) -> None:
    manager_page, report_page = seeded_pages
    manager_token = seeded_token(seeded, "e000001", "MANAGER")
    reports = seeded.gql(REPORTS, token=manager_token)["viewer"]["reports"]
    assert reports, "the seeded manager has no reports"
    report = reports[0]
    external = {e["node"]["id"]: e["node"]["externalId"]
                for e in seeded.gql(EXTERNAL_IDS)["people"]["edges"]}
    expected = seeded.gql(ONE_ON_ONE, {"reportId": report["id"]},
                          token=manager_token)["oneOnOne"]
    assert expected is not None
    who = f'{expected["manager"]["name"]} and {report["name"]}'

    sign_in_with_token(manager_page, seeded, manager_token)
    manager_page.locator("#one-on-one-person").select_option(report["id"])
    body = manager_page.locator("#one-on-one-body")
    expect(body.locator(".one-on-one-who")).to_have_text(who)
    expect(body.locator("ul.objectives > li")).to_have_count(len(expected["objectives"]))
    expect(body).to_contain_text(
        f'Check-ins since the last 1:1: {len(expected["checkInsSinceLastOneOnOne"])}')
    if expected["confidenceTrend"]:
        expect(body.locator("svg.confidence-chart")).to_have_attribute(
            "data-points", str(len(expected["confidenceTrend"])))
    expect(body).to_contain_text(
        f'Open proposals between them: {len(expected["openProposals"])}')
    manager_page.locator("#practice").screenshot(path=str(artifacts / "one-on-one.png"))

    # The report sees the same 1:1, with her manager.
    sign_in_with_token(report_page, seeded, seeded_token(seeded, external[report["id"]]))
    report_page.locator("#one-on-one-person").select_option(report["id"])
    expect(report_page.locator("#one-on-one-body .one-on-one-who")).to_have_text(who)
