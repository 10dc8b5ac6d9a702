"""Scenario stations that small groups rotate through, led by the facilitator and peer-support pupils."""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Annotated, Any, Literal

from pydantic import Field, ValidationError

from ..base import HOST, ActionModel, Activity, AuthorCheck, Ctx, Enter, KindError, Rejected, Says, Seat, timer_due
from ..text import as_map
from .config import SNIPPET, Station, StationsStep
from .prompts import DEFAULTS
from .rotation import StationsState, Work, clean_line, rotation, shuffle_orders

SeatId = Annotated[str, Field(pattern=r"^p\d{1,6}$")]
TeamId = Annotated[str, Field(pattern=r"^t\d{1,2}$")]
Ref = Annotated[str, Field(max_length=40)]


class Ways(ActionModel):
    type: Literal["ways"]
    ways: list[Ref] = Field(max_length=12, description="option ids of the station's `ways`")


class Line(ActionModel):
    type: Literal["line"]
    text: str = Field(max_length=400)


class Rate(ActionModel):
    type: Literal["rate"]
    which: Literal["as_written", "best_friend"] = Field(
        description='"as_written": the first rating question; "best_friend": the second (a station with `rate_second`)'
    )
    value: int = Field(ge=1, le=5)


class Order(ActionModel):
    type: Literal["order"]
    steps: list[Ref] = Field(max_length=12)


class MentorSignal(ActionModel):
    type: Literal["done", "call"]


class Command(ActionModel):
    type: Literal["start", "rotate", "pause", "resume", "debrief"]


class Extend(ActionModel):
    type: Literal["extend"]
    seconds: int = Field(ge=5, le=900)


class Auto(ActionModel):
    type: Literal["auto"]
    on: bool


class Lead(ActionModel):
    type: Literal["lead"]
    seat: SeatId
    station: Ref | None


class Moderate(ActionModel):
    type: Literal["moderate"]
    group: TeamId
    station: Ref
    status: Literal["approved", "hidden"]
    text: str | None = Field(default=None, max_length=400, description="the line as edited by the facilitator")


class CallSeen(ActionModel):
    type: Literal["call_seen"]
    seat: SeatId


class Show(ActionModel):
    type: Literal["show"]
    index: int = Field(ge=0, le=20)


class MarkDone(ActionModel):
    type: Literal["mark_done"]
    group: TeamId


# The group tasks an `enter` may carry, by the answer's type.
_GROUP_WORK: dict[str, type[ActionModel]] = {"ways": Ways, "line": Line, "rate": Rate, "order": Order}


def _entered(work: Work) -> dict[str, Any]:
    """What was entered for a group at a station (by the facilitator or its leader), as a phone's `mine`."""
    return {
        "ways": list(work.ways.get(HOST, ())),
        "ratings": work.ratings.get(HOST, {}),
        "order": list(work.order.get(HOST, ())),
    }


def _answering(state: StationsState) -> bool:
    return state.phase in ("rotating", "time_up")


class Stations(Activity[StationsStep, StationsState]):
    kind = "stations"
    config = StationsStep
    snippet = SNIPPET
    author_checks = {
        "order_task": AuthorCheck(
            Says(
                en="the order task needs `order:` (the steps in the right order), and `order:` needs the task: "
                "add `order` to `tasks:` and the steps under `order:`, or remove both",
                fi="järjestystehtävä tarvitsee kohdan `order:` (vaiheet oikeassa järjestyksessä), ja `order:` "
                "tarvitsee tehtävän: lisää `order` kohtaan `tasks:` ja vaiheet kohtaan `order:`, tai poista molemmat",
                sv="ordningsuppgiften behöver `order:` (stegen i rätt ordning), och `order:` behöver uppgiften: "
                "lägg till `order` i `tasks:` och stegen under `order:`, eller ta bort båda",
            ),
            "tasks",
        ),
        "order_too_short": AuthorCheck(
            Says(
                en="give at least 3 steps to put in order under `order:`",
                fi="anna kohtaan `order:` vähintään 3 vaihetta järjestettäväksi",
                sv="ge minst 3 steg att ordna under `order:`",
            ),
            "order",
        ),
        "order_prompt_twice": AuthorCheck(
            Says(
                en="give the order task's question once: keep `order_prompt:` or `prompts: order:`, not both",
                fi="anna järjestystehtävän kysymys vain kerran: jätä joko `order_prompt:` tai `prompts: order:`",
                sv="ge ordningsuppgiftens fråga en gång: behåll `order_prompt:` eller `prompts: order:`, inte båda",
            ),
            "order_prompt",
        ),
        "ways_missing": AuthorCheck(
            Says(
                en="station '{station}' has the `ways` task: list its options under the step's `ways:` "
                "or the station's own `ways:`",
                fi="rastilla '{station}' on `ways`-tehtävä: luettele sen vaihtoehdot vaiheen kohtaan `ways:` "
                "tai rastin omaan kohtaan `ways:`",
                sv="stationen '{station}' har uppgiften `ways`: lista dess alternativ under stegets `ways:` "
                "eller stationens egen `ways:`",
            ),
        ),
    }
    # docs/protocol.md's table of this kind's view fields (python3 -m workshops.protocol_doc)
    view_doc = """
| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `phase` | ✓ | ✓ | ✓ |  | `"setup"` (before `start`), `"rotating"`, `"time_up"` (the round's time is up) or `"debrief"` |
| `round` | ✓ | ✓ | ✓ |  | the round, from 1 (0 before `start`) |
| `rounds` | ✓ | ✓ | ✓ |  | rounds (one per station) |
| `closes_at` | ✓ | ✓ | ✓ |  | time the round ends, or `null` |
| `paused` | ✓ | ✓ | ✓ |  | the clock is paused |
| `auto` | ✓ | ✓ | ✓ |  | groups move on by themselves when the time is up |
| `station_minutes` | ✓ | ✓ | ✓ |  | minutes per station |
| `ways` | ✓ | ✓ | ✓ |  | the step's options of the `ways` task (a station may have its own: `station.ways`) |
| `ways[].id` | ✓ | ✓ | ✓ |  | what `ways.ways` takes (at a station without its own options) |
| `ways[].text` | ✓ | ✓ | ✓ |  | text |
| `intro` | ✓ | ✓ |  |  | text for the projector before the rotation |
| `map` | ✓ | ✓ |  |  | every station and who is there now |
| `map[].id` | ✓ | ✓ |  |  | the station id |
| `map[].title` | ✓ | ✓ |  |  | text |
| `map[].groups` | ✓ | ✓ |  |  | the groups at it this round |
| `map[].groups[].group` | ✓ | ✓ |  |  | the group's team id |
| `map[].groups[].done` | ✓ | ✓ |  |  | done at this station |
| `map[].leads` | ✓ | ✓ |  |  | the **nicknames** of the station's leaders (never seat ids) |
| `debrief` | ✓ | ✓ |  |  | in the debrief: the totals of the station shown (no names, no groups) |
| `debrief.index` | ✓ | ✓ |  |  | the station's index (what `show.index` takes) |
| `debrief.station` | ✓ | ✓ |  |  | the station |
| `debrief.station.id` | ✓ | ✓ |  |  | its id |
| `debrief.station.title` | ✓ | ✓ |  |  | text |
| `debrief.station.order` | ✓ | ✓ |  |  | its `order` steps in the right order |
| `debrief.station.order[].id` | ✓ | ✓ |  |  | a step id |
| `debrief.station.order[].text` | ✓ | ✓ |  |  | text |
| `debrief.station.ways`, `debrief.station.ways[].id`, `debrief.station.ways[].text` | ✓ | ✓ |  |  | the options of its `ways` task (its own or the step's): ids and texts |
| `debrief.station.prompts` | ✓ | ✓ |  |  | its prompts, as `station.prompts`: the headings are `ways_result`, `lines_result`, `rate` and `rate_second` (the kit's words where `null`) |
| `debrief.station.prompts.ways`, `debrief.station.prompts.ways_result`, `debrief.station.prompts.line`, `debrief.station.prompts.line_hint`, `debrief.station.prompts.lines_result`, `debrief.station.prompts.rate_title`, `debrief.station.prompts.rate`, `debrief.station.prompts.rate_second`, `debrief.station.prompts.rate_low`, `debrief.station.prompts.rate_high`, `debrief.station.prompts.order` | ✓ | ✓ |  |  | text or `null` |
| `debrief.ratings{}` | ✓ | ✓ |  |  | rating question → the ratings of 1, 2, 3, 4 and 5 (five counts): `as_written` for the first question; `best_friend` for the second, only at a station that asks one (`prompts.rate_second`) |
| `debrief.ways{}` | ✓ | ✓ |  |  | option id (of `debrief.station.ways`) → how many chose it |
| `debrief.order` | ✓ | ✓ |  |  | the order task |
| `debrief.order.answers` | ✓ | ✓ |  |  | answers |
| `debrief.order.right` | ✓ | ✓ |  |  | answers in the right order |
| `debrief.lines` | ✓ | ✓ |  |  | the approved lines (texts as approved) |
| `stations` | ✓ |  |  |  | every station, for the facilitator |
| `stations[].id` | ✓ |  |  |  | the station id |
| `stations[].title` | ✓ |  |  |  | text |
| `stations[].notes` | ✓ |  |  |  | text |
| `stations[].questions` | ✓ |  |  |  | debrief questions (texts) |
| `stations[].tasks` | ✓ |  |  |  | its tasks: `"ways"`, `"line"`, `"rate"`, `"order"` |
| `debrief_questions` | ✓ |  |  |  | questions for the whole class (texts) |
| `prompts` | ✓ |  |  |  | the step's own prompts (fields as in `station.prompts`), for the heading of the lines to approve (`lines_result`) |
| `prompts.ways`, `prompts.ways_result`, `prompts.line`, `prompts.line_hint`, `prompts.lines_result`, `prompts.rate_title`, `prompts.rate`, `prompts.rate_second`, `prompts.rate_low`, `prompts.rate_high`, `prompts.order` | ✓ |  |  |  | text or `null` |
| `leads` | ✓ |  |  |  | who leads where |
| `leads{}` | ✓ |  |  |  | leader's seat → station id |
| `calls` | ✓ |  |  |  | leaders calling the facilitator |
| `calls[].seat` | ✓ |  |  |  | the leader's seat (what `call_seen.seat` takes) |
| `calls[].nick` | ✓ |  |  |  | their nickname |
| `calls[].at` | ✓ |  |  |  | time they called |
| `calls[].station` | ✓ |  |  |  | their station id, or `null` |
| `lines` | ✓ |  |  |  | every group's line, for moderation |
| `lines[].group` | ✓ |  |  |  | the group |
| `lines[].station` | ✓ |  |  |  | the station |
| `lines[].line` | ✓ |  |  |  | the line as written |
| `lines[].status` | ✓ |  |  |  | `"pending"`, `"approved"` or `"hidden"` |
| `lines[].shown` | ✓ |  |  |  | the text shown when approved, else `null` |
| `progress` | ✓ |  |  |  | how far each group got at each station |
| `progress{}` | ✓ |  |  |  | `"<group>/<station>"` → an object |
| `progress{}.ways`, `progress{}.ratings`, `progress{}.order` | ✓ |  |  |  | members who answered that task |
| `progress{}.line` | ✓ |  |  |  | whether the group wrote a line |
| `progress{}.done` | ✓ |  |  |  | whether it is done there |
| `answered_by` | ✓ |  |  |  | the seats that have answered something |
| `entry` | ✓ |  |  |  | each group at a station now, for entering its answers said aloud (no device) |
| `entry[].group` | ✓ |  |  |  | the group |
| `entry[].station` | ✓ |  |  |  | its station as the group's phones show it (the `station` fields below) |
| `entry[].line` | ✓ |  |  |  | the group's line there, or `null` |
| `entry[].entered` | ✓ |  |  |  | what was entered for the group there (`enter`), in the form of `mine` |
| `groups[].entered` |  |  |  | ✓ | what was entered for the group here (by this leader or the facilitator), in the form of `mine` |
| `entry[].entered.ways`, `entry[].entered.ratings`, `entry[].entered.order` | ✓ |  |  |  | option ids, ratings, step ids |
| `entry[].entered.ratings.as_written`, `entry[].entered.ratings.best_friend` | ✓ |  |  |  | 1–5: the first and the second rating question (`best_friend` only at a station that asks one) |
| `groups[].entered.ways`, `groups[].entered.ratings`, `groups[].entered.order` |  |  |  | ✓ | option ids, ratings, step ids |
| `groups[].entered.ratings.as_written`, `groups[].entered.ratings.best_friend` |  |  |  | ✓ | 1–5: the first and the second rating question (`best_friend` only at a station that asks one) |
| `role` |  |  |  | ✓ | `"member"` or `"mentor"` (a station leader) |
| `group` |  |  |  | ✓ | member: the group (team id), or `null` |
| `station` |  |  |  | ✓ | the station the pupil's group is at (member) or that they lead (mentor), when there is one |
| `station.id`, `station.title`, `station.content_note`, `station.scenario` | ✓ |  |  | ✓ | its id and texts |
| `station.image`, `station.image_alt` | ✓ |  |  | ✓ | an image file name (or `null`) and its text |
| `station.pressure` | ✓ |  |  | ✓ | what people in the scene say (texts) |
| `station.tasks` | ✓ |  |  | ✓ | its tasks |
| `station.order`, `station.order[].id`, `station.order[].text` | ✓ |  |  | ✓ | its `order` steps, shuffled (never the right order first) |
| `station.order_prompt` | ✓ |  |  | ✓ | the order task's question (`station.prompts.order`): text |
| `station.ways`, `station.ways[].id`, `station.ways[].text` | ✓ |  |  | ✓ | the options of its `ways` task (its own or the step's): what `ways.ways` takes, and texts |
| `station.prompts` | ✓ |  |  | ✓ | what its tasks ask and what the debrief calls the answers: the station's own, else the step's; a field is `null` where the kit's own words apply |
| `station.prompts.ways` | ✓ |  |  | ✓ | the `ways` task's question |
| `station.prompts.ways_result` | ✓ |  |  | ✓ | the debrief's heading over the options' counts |
| `station.prompts.line`, `station.prompts.line_hint` | ✓ |  |  | ✓ | the `line` task's heading and the hint under it |
| `station.prompts.lines_result` | ✓ |  |  | ✓ | the debrief's heading over the approved lines |
| `station.prompts.rate_title` | ✓ |  |  | ✓ | a heading over the rating questions, or `null`: the first question is the heading |
| `station.prompts.rate` | ✓ |  |  | ✓ | the first rating question (`rate.which` `"as_written"`) |
| `station.prompts.rate_second` | ✓ |  |  | ✓ | the second rating question (`rate.which` `"best_friend"`); `null`: the station asks one rating, and has no kit's words for a second |
| `station.prompts.rate_low`, `station.prompts.rate_high` | ✓ |  |  | ✓ | what 1 and 5 mean on the scale |
| `station.prompts.order` | ✓ |  |  | ✓ | the order task's question |
| `work` |  |  |  | ✓ | member: the group's work at this station (a *work*) |
| `mine` |  |  |  | ✓ | member: this pupil's own answers here |
| `mine.ways` |  |  |  | ✓ | option ids |
| `mine.ratings{}` |  |  |  | ✓ | their ratings so far: rating question (`as_written`: the first, `best_friend`: the second) → 1–5 (each only once given) |
| `mine.order` |  |  |  | ✓ | step ids |
| `called` |  |  |  | ✓ | mentor: has called the facilitator (until seen) |
| `guide` |  |  |  | ✓ | mentor: the leader's guide for their station |
| `guide.questions`, `guide.listen_for`, `guide.safety` |  |  |  | ✓ | texts |
| `groups` |  |  |  | ✓ | mentor: the groups at their station now |
| `groups[].group` |  |  |  | ✓ | the group |
| `groups[].members` |  |  |  | ✓ | its members' nicknames |
| `groups[].work` |  |  |  | ✓ | its work here (a *work*) |

A *work* (`work`, `groups[].work`) has these fields:

| field | `host_view` | `screen_view` | `pupil_view` | `own_view` | meaning |
| --- | --- | --- | --- | --- | --- |
| `work.ways{}` |  |  |  | ✓ | a member's nickname → option ids |
| `work.ratings{}` |  |  |  | ✓ | a member's nickname → their ratings |
| `work.ratings{}{}` |  |  |  | ✓ | rating question (`as_written`: the first, `best_friend`: the second) → 1–5 |
| `work.order{}` |  |  |  | ✓ | a member's nickname → step ids |
| `work.line` |  |  |  | ✓ | the group's line, or `null` |
| `work.line_status` |  |  |  | ✓ | `"none"`, `"pending"`, `"approved"` or `"hidden"` |
| `work.done` |  |  |  | ✓ | done at this station |
"""  # noqa: E501
    strings = {
        "group_n": Says(en="Group {n}", fi="Ryhmä {n}", sv="Grupp {n}"),
        "station_round": Says(en="Station {n} of {total}", fi="Rasti {n}/{total}", sv="Station {n}/{total}"),
        "time_up": Says(
            en="Time is up. Wait for the facilitator.",
            fi="Aika loppui. Odota ohjaajaa.",
            sv="Tiden är slut. Vänta på handledaren.",
        ),
        "one_minute": Says(
            en="one minute left: get ready to move on",
            fi="minuutti jäljellä – valmistautukaa siirtymään",
            sv="en minut kvar – gör er redo att byta",
        ),
        "stations_shared": Says(
            en=(
                "{groups} groups, {stations} stations: some stations have two groups at a time. Every group still "
                "visits every station once."
            ),
            fi=(
                "{groups} ryhmää, {stations} rastia: joillakin rasteilla on kaksi ryhmää yhtä aikaa. Jokainen ryhmä käy"
                " silti jokaisella rastilla kerran."
            ),
            sv=(
                "{groups} grupper, {stations} stationer: vid några stationer finns två grupper samtidigt. Varje grupp "
                "besöker ändå varje station en gång."
            ),
        ),
        # The tasks' and the debrief's words when the pack gives no `prompts` (prompts.py).
        "task_ways": DEFAULTS["ways"],
        "ways_chosen": DEFAULTS["ways_result"],
        "task_line": DEFAULTS["line"],
        "line_hint": DEFAULTS["line_hint"],
        "group_lines": DEFAULTS["lines_result"],
        "task_rate": DEFAULTS["rate"],
        "rate_low": DEFAULTS["rate_low"],
        "rate_high": DEFAULTS["rate_high"],
        "task_order": DEFAULTS["order"],
        "order_right": Says(
            en="{n} of {total} answers had the steps in the right order",
            fi="{n}/{total} vastauksessa vaiheet olivat oikeassa järjestyksessä",
            sv="{n} av {total} svar hade stegen i rätt ordning",
        ),
        "group_answers": Says(en="Your group's ratings", fi="Ryhmänne arviot", sv="Er grupps bedömningar"),
        "group_answers_two": Says(
            en="Your group's ratings (question 1 / question 2)",
            fi="Ryhmänne arviot (kysymys 1 / kysymys 2)",
            sv="Er grupps bedömningar (fråga 1 / fråga 2)",
        ),
        "mentor_wait": Says(
            en="You lead a station. Wait for the facilitator to give you one.",
            fi="Sinä vedät rastia. Odota, että ohjaaja antaa sinulle rastin.",
            sv="Du leder en station. Vänta tills handledaren ger dig en.",
        ),
        "wait_stations": Says(
            en="The stations start soon. Wait for the facilitator.",
            fi="Rastit alkavat pian. Odota ohjaajaa.",
            sv="Stationerna börjar snart. Vänta på handledaren.",
        ),
        "led_by": Says(en="Led by {names}", fi="Vetäjä: {names}", sv="Ledare: {names}"),
        "you_lead": Says(en="You are the station leader", fi="Sinä olet rastin vetäjä", sv="Du leder stationen"),
        "guide_questions": Says(en="Ask the group", fi="Kysy ryhmältä", sv="Fråga gruppen"),
        "guide_listen": Says(en="Listen for", fi="Kuuntele", sv="Lyssna efter"),
        "guide_safety": Says(en="Keep it safe", fi="Pidä keskustelu turvallisena", sv="Håll samtalet tryggt"),
        "groups_here": Says(en="At your station now", fi="Rastillasi nyt", sv="På din station nu"),
        "mark_done": Says(en="The group is done", fi="Ryhmä on valmis", sv="Gruppen är klar"),
        "call_facilitator": Says(en="Call the facilitator", fi="Kutsu ohjaaja", sv="Kalla på handledaren"),
        "called": Says(en="The facilitator has been called", fi="Ohjaaja on kutsuttu", sv="Handledaren är kallad"),
        "start_rotation": Says(en="Start the stations", fi="Aloita rastit", sv="Starta stationerna"),
        "rotate": Says(en="Move to the next station", fi="Siirry seuraavalle rastille", sv="Byt till nästa station"),
        "to_debrief": Says(en="To the debrief", fi="Loppukeskusteluun", sv="Till den gemensamma diskussionen"),
        "extend_minute": Says(en="+1 min", fi="+1 min", sv="+1 min"),
        "auto_rotate": Says(
            en="Move on by itself when the time is up",
            fi="Siirry itsestään, kun aika loppuu",
            sv="Byt automatiskt när tiden är slut",
        ),
        "mentor_calls": Says(en="{nick} is calling you", fi="{nick} kutsuu sinua", sv="{nick} kallar på dig"),
        "leaders_hint": Says(
            en="Peer-support pupils: mark them as leaders in the pupil list, then give each a station here.",
            fi="Tukioppilaat: merkitse heidät vetäjiksi oppilaslistassa ja anna sitten jokaiselle rasti tästä.",
            sv="Stödelever: markera dem som ledare i elevlistan och ge sedan var och en en station här.",
        ),
        "stations_need_groups": Says(
            en=(
                "Split the class into groups in the pupil list, then start. "
                "A group without a device takes part too: you or its station leader enter its answers."
            ),
            fi=(
                "Jaa luokka ryhmiin oppilaslistassa ja aloita sitten. "
                "Myös ryhmä ilman laitetta on mukana: sinä tai rastin vetäjä syötätte sen vastaukset."
            ),
            sv=(
                "Dela in klassen i grupper i elevlistan och börja sedan. "
                "Också en grupp utan enhet är med: du eller stationens ledare för in dess svar."
            ),
        ),
        "station_notes": Says(
            en="Notes for the stations in use",
            fi="Muistiinpanot käytössä oleville rasteille",
            sv="Anteckningar för stationerna som används",
        ),
        "moderate_lines": Says(
            en="{lines}: approve before they are shown",
            fi="{lines}: hyväksy ennen kuin ne näytetään",
            sv="{lines}: godkänn innan de visas",
        ),
        "line_pending": Says(en="waiting", fi="odottaa", sv="väntar"),
        "line_approved": Says(en="shown", fi="näytetään", sv="visas"),
        "line_hidden": Says(en="hidden", fi="piilotettu", sv="dold"),
        "line_none": Says(en="–", fi="–", sv="–"),
    }
    errors = {
        "not_mentor": KindError(
            meaning="`done`/`call` from a pupil who is not a station leader; `lead` for a seat that is not one.",
            says=Says(
                en="Make the pupil a station leader in the pupil list first.",
                fi="Merkitse oppilas ensin rastin vetäjäksi oppilaslistassa.",
                sv="Markera först eleven som stationsledare i elevlistan.",
            ),
        ),
        "not_your_group": KindError(
            meaning="A station leader's `enter` for a group that is not at their station.",
            says=Says(
                en="That group is not at your station.",
                fi="Se ryhmä ei ole sinun rastillasi.",
                sv="Den gruppen är inte vid din station.",
            ),
        ),
        "mentor_leads": KindError(
            meaning="A station leader sent a group's task (`ways`, `line`, `rate`, `order`).",
            says=Says(
                en="You are leading a station: the groups answer.",
                fi="Sinä vedät rastia: ryhmät vastaavat.",
                sv="Du leder en station: grupperna svarar.",
            ),
        ),
        "no_station": KindError(
            meaning=(
                "No such station (`lead`, `show` outside the debrief or out of range), or the leader has no station yet"
                " (`done`)."
            ),
            says=Says(en="There is no such station.", fi="Tällaista rastia ei ole.", sv="Den stationen finns inte."),
        ),
        "not_a_task": KindError(
            meaning="The group's current station does not have that task.",
            says=Says(
                en="This station has no such task.",
                fi="Tällä rastilla ei ole tällaista tehtävää.",
                sv="Den här stationen har ingen sådan uppgift.",
            ),
        ),
        "one_rating": KindError(
            meaning='`rate` with `which: "best_friend"` (the second rating question) at a station that asks one '
            "rating (its prompts have no `rate_second`).",
            says=Says(
                en="This station asks one rating only.",
                fi="Tällä rastilla arvioidaan vain yksi kysymys.",
                sv="Vid den här stationen bedömer ni bara en fråga.",
            ),
        ),
    }
    pupil_actions = {
        "ways": Ways,
        "line": Line,
        "rate": Rate,
        "order": Order,
        "done": MentorSignal,
        "call": MentorSignal,
        "enter": Enter,  # station leaders only: their group's answer, said aloud
    }
    host_actions = {
        "start": Command,
        "rotate": Command,
        "pause": Command,
        "resume": Command,
        "debrief": Command,
        "extend": Extend,
        "auto": Auto,
        "lead": Lead,
        "moderate": Moderate,
        "call_seen": CallSeen,
        "show": Show,
        "mark_done": MarkDone,
        "enter": Enter,
    }

    def setup(self, step: StationsStep, ctx: Ctx) -> StationsState:
        return StationsState(auto=step.auto_rotate)

    def affects_team(self, step: StationsStep) -> bool:
        return True

    # -- moves ---------------------------------------------------------------------------
    def _timer_from(self, step: StationsStep, ctx: Ctx) -> float:
        return ctx.now + step.station_minutes * 60

    def _rotate(self, step: StationsStep, state: StationsState, ctx: Ctx) -> StationsState:
        if state.round + 1 >= len(state.plan):
            return replace(state, phase="debrief", closes_at=None, paused_left=None, debrief=0)
        return replace(
            state, phase="rotating", round=state.round + 1, closes_at=self._timer_from(step, ctx), paused_left=None
        )

    def pupil_move(self, step: StationsStep, state: StationsState, seat: Seat, action: Any, ctx: Ctx):
        if not _answering(state):
            return Rejected("closed", "The stations are not open right now.")
        if action.type == "enter":
            if not seat.mentor:
                return Rejected("not_mentor", "Only a station leader can do that.")
            return self._enter(step, state, action, seat.id)
        if seat.mentor:
            return self._mentor_move(state, seat, action, ctx)
        if action.type in ("done", "call"):
            return Rejected("not_mentor", "Only a station leader can do that.")
        group = seat.team
        if not group or state.station_of(group) is None:
            return Rejected("no_team", "You are not in a group yet: ask the facilitator.")
        return self._work_move(step, state, group, seat.id, action)

    def _work_move(self, step: StationsStep, state: StationsState, group: str, voter: str, action: Any):
        """One group's answer at its station, given by a member (`voter`: their seat) or entered (HOST)."""
        station_id = state.station_of(group)
        if station_id is None:
            return Rejected("no_team", "That group is not at a station.")
        station = step.station(station_id)
        work = state.work_of(group, station_id)
        if action.type == "ways" and "ways" in station.tasks:
            known = {w.id for w in step.ways_for(station)}
            chosen = tuple(dict.fromkeys(action.ways))
            if any(w not in known for w in chosen):
                return Rejected("bad_option", "That way is not on the list.")
            return state.with_work(group, station_id, replace(work, ways={**work.ways, voter: chosen}))
        if action.type == "line" and "line" in station.tasks:
            text = clean_line(action.text)
            if text is None:
                return Rejected("line_empty", "Write the line first.")
            if voter == HOST:  # the facilitator typed what the group said: shown as it stands
                return state.with_work(group, station_id, replace(work, line=text, line_status="approved", shown=text))
            if text == work.line:
                return state
            # A changed line goes back to the facilitator before it can be shown.
            return state.with_work(group, station_id, replace(work, line=text, line_status="pending", shown=None))
        if action.type == "rate" and "rate" in station.tasks:
            if action.which == "best_friend" and step.prompts_for(station).rate_second is None:
                return Rejected("one_rating", "This station asks one rating only.")
            ratings = {**work.ratings.get(voter, {}), action.which: action.value}
            return state.with_work(group, station_id, replace(work, ratings={**work.ratings, voter: ratings}))
        if action.type == "order" and "order" in station.tasks:
            if sorted(action.steps) != sorted(s.id for s in station.order):
                return Rejected("bad_order", "Put every step in the list once.")
            return state.with_work(group, station_id, replace(work, order={**work.order, voter: tuple(action.steps)}))
        return Rejected("not_a_task", "This station has no such task.")

    def _enter(self, step: StationsStep, state: StationsState, action: Enter, leader: str | None):
        """A group's answer said aloud, entered by the facilitator or by the leader of its station."""
        if not _answering(state):
            return Rejected("closed", "The stations are not open right now.")
        if action.team is None or state.station_of(action.team) is None:
            return Rejected("no_team", "That group is not at a station.")
        if leader is not None and state.leads.get(leader) != state.station_of(action.team):
            return Rejected("not_your_group", "That group is not at your station.")
        if action.count == 0:  # a group's answer is changed, not taken back: enter the new one
            return Rejected("bad_payload", "Enter the group's answer.")
        model = _GROUP_WORK.get(str((action.answer or {}).get("type")))
        if model is None:
            return Rejected("not_a_task", "This station has no such task.")
        try:
            answer: Any = model.model_validate(action.answer, strict=True)
        except ValidationError:
            return Rejected("bad_payload", "That answer does not fit this task.")
        # A leader is a pupil: a line from their phone is read by the facilitator like any other.
        voter = HOST if leader is None or answer.type != "line" else leader
        return self._work_move(step, state, action.team, voter, answer)

    def _mentor_move(self, state: StationsState, seat: Seat, action: Any, ctx: Ctx):
        station_id = state.leads.get(seat.id)
        if action.type == "call":
            return replace(state, calls={**state.calls, seat.id: ctx.now}) if seat.id not in state.calls else state
        if action.type != "done":
            return Rejected("mentor_leads", "You are leading a station: the groups answer.")
        if station_id is None:
            return Rejected("no_station", "The facilitator has not given you a station yet.")
        for group in state.groups_at(station_id):
            state = state.with_work(group, station_id, replace(state.work_of(group, station_id), done=True))
        return state

    def host_move(self, step: StationsStep, state: StationsState, action: Any, ctx: Ctx):
        kind = action.type
        if kind == "enter":
            return self._enter(step, state, action, None)
        if kind == "start":
            if state.phase != "setup":
                return Rejected("started", "The rotation has already started.")
            groups = list(ctx.team_ids)  # every group made plays: one without a device answers aloud
            if not groups:
                return Rejected("no_teams", "Split the class into groups first.")
            plan = tuple(rotation(groups, [s.id for s in step.stations]))
            orders = {s.id: [o.id for o in s.order] for s in step.stations}
            return replace(
                state,
                phase="rotating",
                plan=plan,
                round=0,
                closes_at=self._timer_from(step, ctx),
                shuffled=shuffle_orders(orders, ctx.rng),
            )
        if kind == "lead":
            if action.seat not in ctx.mentors():
                return Rejected("not_mentor", "Make the pupil a station leader in the pupil list first.")
            if action.station is not None and action.station not in {s.id for s in step.stations}:
                return Rejected("no_station", "There is no such station.")
            leads = {k: v for k, v in state.leads.items() if k != action.seat}
            if action.station is not None:
                leads[action.seat] = action.station
            return replace(state, leads=leads)
        if kind == "auto":
            return replace(state, auto=action.on)
        if kind == "call_seen":
            return replace(state, calls={k: v for k, v in state.calls.items() if k != action.seat})
        if kind == "moderate":
            work = state.work.get(f"{action.group}/{action.station}")
            if work is None or work.line is None:
                return Rejected("no_line", "That group has written no line here.")
            if action.status == "hidden":
                return state.with_work(action.group, action.station, replace(work, line_status="hidden", shown=None))
            shown = clean_line(action.text) if action.text is not None else work.line
            if shown is None:
                return Rejected("line_empty", "The edited line is empty.")
            return state.with_work(action.group, action.station, replace(work, line_status="approved", shown=shown))
        if kind == "show":
            if state.phase != "debrief" or action.index >= len(step.stations):
                return Rejected("no_station", "There is no such station in the debrief.")
            return replace(state, debrief=action.index)
        if state.phase == "setup":
            return Rejected("not_started", "Start the rotation first.")
        if kind == "debrief":
            return replace(state, phase="debrief", closes_at=None, paused_left=None, debrief=0)
        if not _answering(state):
            return Rejected("closed", "The rotation is over.")
        if kind == "rotate":
            return self._rotate(step, state, ctx)
        if kind == "mark_done":
            station_id = state.station_of(action.group)
            if station_id is None:
                return Rejected("no_team", "That group is not at a station.")
            work = state.work_of(action.group, station_id)
            return state.with_work(action.group, station_id, replace(work, done=True))
        if kind == "pause":
            if state.paused_left is not None or state.closes_at is None:
                return Rejected("not_running", "Nothing to pause.")
            return replace(state, paused_left=max(0.0, state.closes_at - ctx.now), closes_at=None)
        if kind == "resume":
            if state.paused_left is None:
                return Rejected("not_paused", "The rotation is not paused.")
            return replace(state, closes_at=ctx.now + state.paused_left, paused_left=None, phase="rotating")
        if kind == "extend":
            base = max(state.closes_at or ctx.now, ctx.now)
            return replace(state, closes_at=base + action.seconds, phase="rotating", paused_left=None)
        return Rejected("unknown_action", "This step has no such command.")

    def timer(self, step: StationsStep, state: StationsState, ctx: Ctx):
        refused = timer_due(state.closes_at if state.phase == "rotating" else None, ctx.now)
        if refused:
            return refused
        if state.auto:
            return self._rotate(step, state, ctx)
        return replace(state, phase="time_up", closes_at=None)

    def deadline(self, step: StationsStep, state: StationsState) -> float | None:
        return state.closes_at if state.phase == "rotating" else None

    def leave(self, step: StationsStep, state: StationsState, ctx: Ctx) -> StationsState:
        if state.phase == "rotating" and state.closes_at is not None:
            return replace(state, paused_left=max(0.0, state.closes_at - ctx.now), closes_at=None)
        return state

    # -- views ---------------------------------------------------------------------------
    def _station(self, step: StationsStep, station: Station, state: StationsState, ctx: Ctx) -> dict[str, Any]:
        lang = ctx.language
        by_id = {o.id: o for o in station.order}
        prompts = step.prompts_for(station)
        return {
            "id": station.id,
            "title": as_map(station.title, lang),
            "content_note": as_map(station.content_note, lang),
            "scenario": as_map(station.scenario, lang),
            "image": station.image,
            "image_alt": as_map(station.image_alt, lang),
            "pressure": [as_map(p, lang) for p in station.pressure],
            "tasks": list(station.tasks),
            "order": [{"id": o, "text": as_map(by_id[o].text, lang)} for o in state.shuffled.get(station.id, ())],
            "order_prompt": as_map(prompts.order, lang),
            "ways": self._ways(step, ctx, station),
            "prompts": prompts.view(lang),
        }

    def _ways(self, step: StationsStep, ctx: Ctx, station: Station | None = None) -> list[dict[str, Any]]:
        """The `ways` task's options: the station's (its own or the step's), or the step's."""
        ways = step.ways if station is None else step.ways_for(station)
        return [{"id": w.id, "text": as_map(w.text, ctx.language)} for w in ways]

    def _timing(self, step: StationsStep, state: StationsState) -> dict[str, Any]:
        return {
            "phase": state.phase,
            "round": state.round + 1 if state.plan else 0,
            "rounds": len(state.plan),
            "closes_at": state.closes_at,
            "paused": state.paused_left is not None,
            "auto": state.auto,
            "station_minutes": step.station_minutes,
        }

    def _map(self, step: StationsStep, state: StationsState, ctx: Ctx) -> list[dict[str, Any]]:
        return [
            {
                "id": s.id,
                "title": as_map(s.title, ctx.language),
                "groups": [{"group": g, "done": state.work_of(g, s.id).done} for g in state.groups_at(s.id)],
                # Public (the projector shows the map): the leaders' nicknames, never their seat ids.
                "leads": sorted(ctx.seats[m].nick for m, st in state.leads.items() if st == s.id and m in ctx.seats),
            }
            for s in step.stations
        ]

    def _work_view(self, step: StationsStep, work: Work, ctx: Ctx, *, names: bool) -> dict[str, Any]:
        """One group's work at one station; seats become nicknames for the group itself."""

        def who(seat: str) -> str:
            return ctx.seats[seat].nick if names and seat in ctx.seats else seat

        return {
            "ways": {who(s): list(w) for s, w in work.ways.items()},
            "ratings": {who(s): r for s, r in work.ratings.items()},
            "order": {who(s): list(o) for s, o in work.order.items()},
            "line": work.line,
            "line_status": work.line_status,
            "done": work.done,
        }

    def _summary(
        self, step: StationsStep, state: StationsState, station: Station, *, approved_only: bool
    ) -> dict[str, Any]:
        """Totals over every group at one station: what the debrief shows. No names, no groups."""
        works = [state.work_of(g, station.id) for g in state.groups]
        asked = ("as_written", "best_friend") if step.prompts_for(station).rate_second is not None else ("as_written",)
        ratings: dict[str, Counter[int]] = {which: Counter() for which in asked}
        ways: Counter[str] = Counter()
        right_order = 0
        orders = 0
        for work in works:
            for rating in work.ratings.values():
                for which, value in rating.items():
                    if which in ratings:
                        ratings[which][value] += 1
            for chosen in work.ways.values():
                ways.update(chosen)
            for order in work.order.values():
                orders += 1
                right_order += list(order) == [o.id for o in station.order]
        lines = [w.shown for w in works if w.line_status == "approved" and w.shown] if approved_only else []
        return {
            "ratings": {which: [c.get(v, 0) for v in range(1, 6)] for which, c in ratings.items()},
            "ways": {w.id: ways.get(w.id, 0) for w in step.ways_for(station)},
            "order": {"answers": orders, "right": right_order},
            "lines": lines,
        }

    def screen_view(self, step: StationsStep, state: StationsState, ctx: Ctx) -> dict[str, Any]:
        view = self._timing(step, state) | {"intro": as_map(step.intro, ctx.language), "ways": self._ways(step, ctx)}
        view["map"] = self._map(step, state, ctx)
        if state.phase == "debrief":
            station = step.stations[state.debrief]
            view["debrief"] = {
                "index": state.debrief,
                "station": {
                    "id": station.id,
                    "title": as_map(station.title, ctx.language),
                    "order": [{"id": o.id, "text": as_map(o.text, ctx.language)} for o in station.order],
                    "ways": self._ways(step, ctx, station),
                    "prompts": step.prompts_for(station).view(ctx.language),
                },
                **self._summary(step, state, station, approved_only=True),
            }
        return view

    def host_view(self, step: StationsStep, state: StationsState, ctx: Ctx) -> dict[str, Any]:
        view = self.screen_view(step, state, ctx)
        lang = ctx.language
        view["stations"] = [
            {
                "id": s.id,
                "title": as_map(s.title, lang),
                "notes": as_map(s.notes, lang),
                "questions": [as_map(q, lang) for q in s.questions],
                "tasks": list(s.tasks),
            }
            for s in step.stations
        ]
        view["debrief_questions"] = [as_map(q, lang) for q in step.debrief_questions]
        view["prompts"] = step.prompts.view(lang)  # the step's own: the moderation's heading
        view["leads"] = dict(state.leads)
        view["calls"] = [
            {"seat": s, "nick": ctx.seats[s].nick if s in ctx.seats else s, "at": at, "station": state.leads.get(s)}
            for s, at in state.calls.items()
        ]
        view["lines"] = [
            {
                "group": key.split("/")[0],
                "station": key.split("/")[1],
                "line": w.line,
                "status": w.line_status,
                "shown": w.shown,
            }
            for key, w in sorted(state.work.items())
            if w.line is not None
        ]
        view["progress"] = {  # "group/station" -> how far the group got there
            key: {
                "ways": len(w.ways),
                "ratings": len(w.ratings),
                "order": len(w.order),
                "line": w.line is not None,
                "done": w.done,
            }
            for key, w in state.work.items()
        }
        view["answered_by"] = sorted(
            {s for w in state.work.values() for s in (*w.ways, *w.ratings, *w.order) if s != HOST}
        )
        # For groups without a device: each group at a station, its station as a phone shows it,
        # and what the facilitator has entered for it there.
        view["entry"] = [
            {
                "group": g,
                "station": self._station(step, step.station(here), state, ctx),
                "entered": _entered(state.work_of(g, here)),
                "line": state.work_of(g, here).line,
            }
            for g in state.groups
            if (here := state.station_of(g)) is not None
        ]
        return view

    def pupil_view(self, step: StationsStep, state: StationsState, ctx: Ctx) -> dict[str, Any]:
        return self._timing(step, state) | {"ways": self._ways(step, ctx)}

    def pupil_own(self, step: StationsStep, state: StationsState, seat: Seat, ctx: Ctx) -> dict[str, Any]:
        if seat.mentor:
            station_id = state.leads.get(seat.id)
            own: dict[str, Any] = {"role": "mentor", "called": seat.id in state.calls}
            if station_id is None:
                return own
            station = step.station(station_id)
            lang = ctx.language
            own["station"] = self._station(step, station, state, ctx)
            own["guide"] = {
                "questions": [as_map(q, lang) for q in station.guide.questions],
                "listen_for": [as_map(q, lang) for q in station.guide.listen_for],
                "safety": [as_map(q, lang) for q in station.guide.safety],
            }
            # Only the groups at this leader's station, and only their work here.
            own["groups"] = [
                {
                    "group": g,
                    "members": [ctx.seats[m].nick for m in ctx.team_members(g)],
                    "work": self._work_view(step, state.work_of(g, station_id), ctx, names=True),
                    "entered": _entered(state.work_of(g, station_id)),
                }
                for g in state.groups_at(station_id)
            ]
            return own
        group = seat.team
        own = {"role": "member", "group": group}
        station_id = state.station_of(group) if group else None
        if not group or station_id is None:
            return own
        station = step.station(station_id)
        work = state.work_of(group, station_id)
        own["station"] = self._station(step, station, state, ctx)
        own["work"] = self._work_view(step, work, ctx, names=True)
        own["mine"] = {
            "ways": list(work.ways.get(seat.id, ())),
            "ratings": work.ratings.get(seat.id, {}),
            "order": list(work.order.get(seat.id, ())),
        }
        return own

    def summary(self, step: StationsStep, state: StationsState, ctx: Ctx) -> dict[str, Any]:
        return {
            # Groups' answers at a station entered for them (no device), by the facilitator or a leader.
            "entered": sum(1 for w in state.work.values() if HOST in w.ways or HOST in w.ratings or HOST in w.order),
            "stations": [
                {
                    "id": s.id,
                    "title": as_map(s.title, ctx.language),
                    **self._summary(step, state, s, approved_only=True),
                }
                for s in step.stations
            ],
        }

    # -- for tests and bots: what the views hide, and sample moves ------------------------------
    # The leaders' guides and the facilitator's notes are for station leaders' phones only.
    secret = frozenset({"notes", "guide", "listen_for", "safety", "debrief_questions"})

    def revealed(self, step: StationsStep, state: StationsState) -> bool:
        return False

    def sample_moves(self, step, state, seat, ctx):
        if seat.mentor:
            if not _answering(state):
                return []
            if seat.id not in state.leads:
                return [{"type": "call"}]
            return [{"type": "done"}, {"type": "call"}] + self._entries(step, state, ctx, state.leads[seat.id])
        here = state.station_of(seat.team) if seat.team else None
        if here is None:
            return []  # not at a station now
        return self._group_moves(step, step.station(here), ctx)

    def _entries(self, step: StationsStep, state: StationsState, ctx: Ctx, station: str | None) -> list[dict[str, Any]]:
        """`enter`s for the groups at `station` (None: at any station), one sample answer each."""
        groups = [g for g in state.groups if state.station_of(g) and station in (None, state.station_of(g))]
        return [
            {"type": "enter", "team": g, "answer": move}
            for g in groups[:2]
            for move in self._group_moves(step, step.station(state.station_of(g) or ""), ctx)[:2]
        ]

    def _group_moves(self, step: StationsStep, station: Station, ctx: Ctx) -> list[dict[str, Any]]:
        ways = [w.id for w in step.ways_for(station)]
        # The second rating question only where the station asks one.
        asked = ["as_written"] + (["best_friend"] if step.prompts_for(station).rate_second is not None else [])
        moves: list[dict[str, Any]] = [
            {"type": "ways", "ways": ctx.rng.sample(ways, min(len(ways), ctx.rng.randint(0, 3)))},
            {"type": "line", "text": ctx.rng.choice(["Ei kiitos, lähden kotiin.", "Nej tack.", "En halua."])},
            {"type": "rate", "which": ctx.rng.choice(asked), "value": ctx.rng.randint(1, 5)},
        ]
        order = [o.id for o in station.order]
        moves.append({"type": "order", "steps": ctx.rng.sample(order, len(order))})
        return [m for m in moves if m["type"] in station.tasks]

    def sample_commands(self, step, state, ctx):
        rng = ctx.rng
        mentors = [s.id for s in ctx.seats.values() if s.mentor] or list(ctx.seats) or ["p1"]
        lead = {"type": "lead", "seat": rng.choice(mentors), "station": rng.choice([s.id for s in step.stations])}
        lines = sorted(k for k, w in state.work.items() if w.line is not None)
        group, station = rng.choice(lines).split("/") if lines else ("t1", step.stations[0].id)
        status = rng.choice(["approved", "hidden"])
        moderate = {"type": "moderate", "group": group, "station": station, "status": status}
        pause = {"type": "resume" if state.paused_left is not None else "pause"}
        extend = {"type": "extend", "seconds": rng.randint(5, 900)}
        done = {"type": "mark_done", "group": rng.choice(list(ctx.team_ids) or ["t1"])}
        seen = {"type": "call_seen", "seat": rng.choice(sorted(state.calls) or mentors)}
        auto = {"type": "auto", "on": rng.random() < 0.5}
        entries = self._entries(step, state, ctx, None) if _answering(state) else []
        by_phase: dict[str, list[dict[str, Any]]] = {
            "setup": [{"type": "start"}, lead, auto, {"type": "rotate"}],
            "rotating": [
                {"type": "rotate"},
                *entries,
                moderate,
                lead,
                done,
                pause,
                extend,
                seen,
                auto,
                {"type": "debrief"},
            ],
            "time_up": [{"type": "rotate"}, *entries, moderate, extend, done, {"type": "debrief"}],
            "debrief": [{"type": "show", "index": rng.randrange(len(step.stations))}, moderate, {"type": "rotate"}],
        }
        return by_phase.get(state.phase, [{"type": "start"}])
