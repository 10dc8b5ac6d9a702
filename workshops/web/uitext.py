"""The UI strings the browser scripts need, translated for the request's language.

The kit's own strings go through the gettext catalogues; each activity kind brings its own
texts in fi/sv/en (`strings` and `errors` in its module), so adding a kind edits nothing here.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import get_locale
from flask_babel import gettext as _

from ..activities import KIND_ERRORS, KIND_STRINGS, REGISTRY, KindError, Says, declared
from ..activities.tasks.base import TaskKind
from ..packs.shared import FALLBACK_LINE
from .context import library

#: The console's and the projector's own words: a phone never shows them, so its page does not
#: carry them (about 1.3 kB gzipped of its 50 kB budget). tests/unit/test_ui_strings.py checks that no
#: script a phone runs asks for one.
CONSOLE_ONLY = frozenset(
    {
        "ahead",
        "behind",
        "delete_confirm",
        "doctor_firewall",
        "doctor_fw_linux",
        "doctor_fw_mac",
        "doctor_fw_or",
        "doctor_fw_windows",
        "doctor_hosted",
        "doctor_intro",
        "doctor_network",
        "doctor_network_fix",
        "doctor_no_devices",
        "doctor_title",
        "doctor_wifi",
        "doctor_wifi_fix",
        "doctor_wifi_restart",
        "elapsed",
        "end",
        "end_confirm",
        "err_paced",  # answered to the facilitator's commands only
        "kick",
        "kick_confirm",
        "leader_short",
        "lobby",
        "lock",
        "locked",
        "make_teams",
        "move_to",
        "next",
        "no_notes",
        "no_teams",
        "notes",
        "offline",
        "on_time",
        "online",
        "optional",
        "optional_left",
        "own_nicks",
        "pick",
        "pick_offline",
        "plan",
        "planned",
        "prev",
        "pupils",
        "pupils_joined",
        "paced_answered",
        "paced_finished",
        "paced_here",
        "paced_hint",
        "paced_joined",
        "paced_open_until",
        "paced_waiting",
        "poster",
        "results",
        "step",
        "readmit",
        "remove_picked",
        "remove_picked_confirm",
        "removed_list",
        "report",
        "scan_cards",
        "scan_hint",
        "scan_no_camera",
        "scan_seen",
        "scan_use",
        "simulated",
        "simulated_short",
        "skip_step",
        "start",
        "station_leader",
        "step_of",
        "talk_requests",
        "team_code_alt",
        "team_codes",
        "team_codes_hint",
        "teams",
        "unlock",
    }
)


#: The words of a self-paced session's pages (static/js/paced.js): only a pack that can run so
#: sends them to its phones.
PACED_ONLY = frozenset(
    {"pages", "page_of", "page_next", "page_back", "page_finish", "page_done", "page_done_hint", "err_not_paced"}
)


def phone_strings(adults: bool = False, kinds: Iterable[str] | None = None, paced: bool = True) -> dict[str, str]:
    """The strings a phone's page needs: the kit's but the console's own, and those of `kinds`
    (the kinds of its session's pack; None: every kind); a self-paced session's only if `paced`."""
    if kinds is None:
        return {k: v for k, v in ui_strings(adults).items() if k not in CONSOLE_ONLY}
    lang = str(get_locale() or "en")
    left_out = CONSOLE_ONLY if paced else CONSOLE_ONLY | PACED_ONLY
    strings = {k: v for k, v in kit_strings().items() if k not in left_out}
    # task-base.js serves every kind that imports it (a choice's explanation, say): its strings too
    strings |= {key: says.get(lang) for key, says in TaskKind.__dict__.get("strings", {}).items()}
    for kind in kinds:
        activity = REGISTRY[kind]
        texts: dict[str, Says] = declared(activity, "strings")
        errors: dict[str, KindError] = declared(activity, "errors")
        strings |= {key: says.get(lang) for key, says in texts.items()}
        strings |= {f"err_{code}": error.says.get(lang) for code, error in errors.items()}
    strings["help_line"] = strings["help_line"].replace("{line}", help_line(lang))
    if adults:
        strings |= {k: v for k, v in adult_strings().items() if k not in CONSOLE_ONLY}
    return strings


def ui_strings(adults: bool = False) -> dict[str, str]:
    """Every page string for the request's language: the kit's, then the kinds'.

    `adults`: a session for adults (a parents' evening) says 'participant' and 'organiser'
    where a pupils' session says 'pupil' and 'an adult'.
    """
    lang = str(get_locale() or "en")
    kinds = {key: says.get(lang) for key, says in KIND_STRINGS.items()}
    kinds |= {f"err_{code}": error.says.get(lang) for code, error in KIND_ERRORS.items()}
    strings = kit_strings() | kinds
    if adults:
        return strings | adult_strings()
    strings["help_line"] = strings["help_line"].replace("{line}", help_line(lang))
    return strings


def help_line(lang: str) -> str:
    """The help line the kit's pages name in `lang`, from the shared help lines (content/_shared/apu.yaml)."""
    found = library().help_lines()
    return found.main(lang) if found is not None else FALLBACK_LINE.get(lang, FALLBACK_LINE["fi"])


def adult_strings() -> dict[str, str]:
    """The words of `kit_strings` that change when the participants are adults."""
    return {
        "help_line": _("Did something stay on your mind? Talk to the organiser, today or later."),
        "locked": _("Lobby locked: no new participants."),
        "remove_picked_confirm": _(
            "Remove {n} participants from the session? You can let them back in from the list of removed participants."
        ),
        "pupils": _("Participants"),
        "simulated": _("Simulated participant (rehearsal)"),
        "own_nicks": _("Participants may type their own nickname"),
        "talk_adult": _("I'd like to talk to the organiser"),
        "talk_sent": _("The organiser knows you'd like to talk, and will find a good moment for it."),
        "talk_requests": _("Would like to talk to the organiser:"),
        "entry_hint_many": _("Type what the participants say. It is shown as you typed it."),
        "entry_type": _("What the participants said"),
        "entry_hint_one": _("Agree on one answer with the group and enter it here."),
        "err_no_teams": _("Split the participants into groups first."),
        "err_not_team_task": _("Everyone answers this one alone: enter the group's answers, not a small group's."),
        "err_locked": _("The session is not taking new participants right now. Ask the organiser."),
        "err_no_such_pupil": _("That participant is not in this session."),
        "doctor_no_devices": _(
            "No devices at all? Run the session from the console: you can enter the group's answers yourself."
        ),
        "doctor_wifi_fix": _(
            "Many guest networks do not let phones reach other devices on the same network. Turn on the "
            "laptop's own hotspot, or a phone's hotspot, and have the participants connect to it. With a "
            "phone's hotspot, connect the laptop to it too."
        ),
        "doctor_network_fix": _(
            "Phones on mobile data or on another Wi-Fi cannot reach the laptop. Check that the participants "
            "are on the same Wi-Fi as the laptop, then have them type this address:"
        ),
    }


def kit_strings() -> dict[str, str]:
    """The strings of the kit itself (not of one kind), from the catalogues."""
    return {
        # connection
        "reconnecting": _("Connection lost. Reconnecting…"),
        "connected": _("Connected"),
        "not_saved_warning": _("The server could not save the last action. Check the disk, then try again."),
        # pupil
        "joining": _("Joining the workshop…"),
        "your_nick": _("Your nickname"),
        "reroll": _("Another nickname"),
        "rename": _("Use my own nickname"),
        "save": _("Save"),
        "wait_start": _("You're in! Wait for the workshop to start."),
        "look_screen": _("Look at the screen."),
        "answer_sent": _("Answer sent. You can still change it."),
        "answer_closed": _("Answering has closed."),
        "send": _("Send"),
        "right": _("Right!"),
        "not_right": _("Not quite."),
        "nick_pending": _("Waiting for the facilitator to approve: {nick}"),
        "try_again": _("Try again"),
        "removed": _("You are no longer in this workshop."),
        "ended": _("The workshop has ended. Thank you!"),
        # {line}: the help line in the page's language, from content/_shared/apu.yaml
        "help_line": _(
            "Something on your mind? Talk to an adult you trust, or call {line}. In an emergency, call 112."
        ),
        "time_left": _("{time} left"),
        # projector
        "pupils_joined": _("{n} joined"),
        "answers_in": _("{n} / {total} answered"),
        "explanation": _("Why?"),
        "good_to_know": _("Good to know"),
        # host
        "lobby": _("Lobby"),
        "step_of": _("Step {n} of {total}"),
        # A self-paced session's phone (each participant at their own pace, no projector).
        "pages": _("Pages"),
        "page_of": _("{n} / {total}"),
        "page_next": _("Next"),
        "page_back": _("Back"),
        "page_finish": _("Done"),
        "page_done": _("Thank you! Your answers are saved."),
        "page_done_hint": _("You can close this page. To change an answer, go back."),
        "next": _("Next ›"),
        "prev": _("‹ Back"),
        "start": _("Start the workshop"),
        "end": _("End the workshop"),
        "end_confirm": _("End the workshop for everyone?"),
        "lock": _("Lock the lobby"),
        "unlock": _("Open the lobby"),
        "locked": _("Lobby locked: no new pupils."),
        "removed_list": _("Removed ({n})"),
        "kick": _("Remove"),
        "readmit": _("Let back in"),
        "kick_confirm": _("Remove {nick} from the workshop?"),
        "pick": _("Select"),
        "pick_offline": _("Select those not connected"),
        "remove_picked": _("Remove selected ({n})"),
        "remove_picked_confirm": _(
            "Remove {n} pupils from the workshop? You can let them back in from the list of removed pupils."
        ),
        "delete_data": _("Delete session data"),
        "delete_confirm": _("Delete this session's nicknames, answers and texts now? This cannot be undone."),
        "session_deleted": _("The workshop's data has been deleted. Thank you for taking part!"),
        "approve": _("Approve"),
        "reject": _("Reject"),
        "reset_confirm": _("Clear every answer to this question?"),
        "teams": _("Teams"),
        "make_teams": _("Split into teams"),
        "no_teams": _("No teams"),
        "team_n": _("Team {n}"),
        "move_to": _("Move to"),
        "pupils": _("Pupils"),
        "online": _("online"),
        "offline": _("offline"),
        "notes": _("Facilitator notes"),
        "no_notes": _("No notes for this step."),
        "plan": _("Timing plan"),
        "planned": _("planned {m} min"),
        "elapsed": _("elapsed {time}"),
        "ahead": _("{m} min ahead of plan"),
        "behind": _("{m} min behind plan"),
        "on_time": _("On time"),
        "optional": _("optional"),
        "optional_left": _("Optional steps still ahead: {m} min that you can skip if you are behind."),
        "skip_step": _("Skip: {title} ›"),
        "answered": _("Answered"),
        "reveal": _("Show results"),
        "close": _("Close answering"),
        "reopen": _("Reopen"),
        "reset": _("Clear answers"),
        "extend": _("+30 s"),
        "own_nicks": _("Pupils may type their own nickname"),
        "report": _("Report"),
        # The console of a self-paced session.
        "paced_open_until": _("Open at your own pace until {date}"),
        "paced_joined": _("{n} joined"),
        "paced_finished": _("{n} finished"),
        "paced_here": _("On this page now"),
        "paced_answered": _("{n} answered"),
        "paced_waiting": _("{n} answered so far: the totals show once {quorum} have answered."),
        "paced_hint": _(
            "Everyone goes through the steps at their own pace on their own phone; nobody needs a projector. "
            "A step's totals show here once {quorum} have answered it, so that no one's answer can be told apart."
        ),
        "poster": _("Poster with the QR code"),
        "step": _("Step"),
        "results": _("Results"),
        # rehearsal mode: the console marks its simulated pupils
        "simulated": _("Simulated pupil (rehearsal)"),
        "simulated_short": _("sim."),
        # shared by the board game and the stations
        "not_playing": _("You are not in a team. Ask the facilitator."),
        "discuss": _("Let's talk about it"),
        "paused": _("Paused"),
        "pause": _("Pause"),
        "resume": _("Continue"),
        # the stations' words that the order and open tasks or the host console use too
        "order_hint": _("Tap the steps in the order you would do them."),
        "start_over": _("Start over"),
        "seen": _("Seen"),
        "station_leaders": _("Station leaders"),
        "station_leader": _("Station leader (peer-support pupil)"),
        "leader_short": _("Leader"),
        "edit_line": _("Edit out names before approving"),
        "hide": _("Hide"),
        # talking to an adult
        "talk_adult": _("I'd like to talk to an adult"),
        "talk_sent": _("The facilitator knows you'd like to talk, and will talk with you at a good moment."),
        "talk_requests": _("Would like to talk to an adult:"),
        # fewer devices than pupils: team devices and the facilitator's entries
        "team_device": _("Team device"),
        "team_device_hint": _("This device answers for your whole team. Decide together, then tap."),
        "team_codes": _("Join codes for team devices"),
        "team_codes_hint": _("A school tablet or laptop that scans its team's code joins as that team's device."),
        "team_code_alt": _("QR code for joining as the device of {team}"),
        "entry_title": _("Answers without devices"),
        "entry_hint_counts": _("Count the raised hands for each answer, type the numbers and save."),
        "entry_hint_one": _("Agree on one answer with the class and enter it here."),
        "entry_hint_team": _("Ask each team for its answer and enter it here."),
        "entry_hint_many": _("Type what the pupils say. It is shown as you typed it."),
        "entry_hint_game": _("A team without a device says its choice aloud: press that choice on its card."),
        "entry_hint_group": _("A group without a device says its answers aloud: enter them here."),
        "entry_for": _("Whose answer"),
        "entry_for_group": _("Enter the answers of {group}"),
        "entry_make_teams": _("Make teams first: each team's answer is entered separately."),
        "entry_type": _("What the pupils said"),
        "entry_saved": _("Saved."),
        "entry_team_chose": _("The team chose this"),
        "team_has_chosen": _("Chosen"),
        "entered_n": _("{n} entered by the facilitator"),
        "entered_by_facilitator": _("Entered by the facilitator"),
        "entered_for_team": _("The facilitator entered your team's answer."),
        "save_counts": _("Save"),
        "add_answer": _("Add"),
        "clear_entry": _("Clear"),
        "plus_one": _("One more"),
        "minus_one": _("One less"),
        # errors by code
        "err_stale": _("Someone else moved the workshop on; the view has been refreshed."),
        "err_closed": _("Answering has closed for this question."),
        "err_not_current": _("That question is no longer running."),
        "err_no_team": _("You are not in a team yet: wait for the facilitator."),
        "err_own_nicknames_off": _("In this workshop you get a nickname; you can't type your own."),
        "err_nick_empty": _("Write a nickname with at least one letter."),
        "err_nick_taken": _("Someone already has that nickname."),
        "err_nick_blocked": _("Choose another nickname."),
        "err_rate_limited": _("Slow down a little and try again."),
        "err_not_saved": _("The server could not save this. Try again."),
        "err_ended": _("This workshop has ended."),
        "err_locked": _("The workshop is not taking new pupils right now. Ask the facilitator."),
        "err_full": _("The workshop is full."),
        "err_not_found": _("No workshop with that code."),
        "err_bad_option": _("That choice is not available."),
        "err_no_teams": _("Split the class into teams first."),
        "err_lobby_only": _("You can change your nickname only before the workshop starts."),
        "err_not_paced": _("This workshop is led by the facilitator, not at your own pace."),
        "err_paced": _("Everyone goes at their own pace in this session: that is not possible here."),
        "err_no_pending_nick": _("That nickname was already handled."),
        "err_not_in_session": _("You are no longer in this workshop."),
        "err_removed": _("You are no longer in this workshop."),
        "err_not_connected": _("Connection lost. Reconnecting…"),
        "err_no_such_pupil": _("That pupil is not in this workshop."),
        "err_server_error": _("Something went wrong on the server. Try again."),
        "err_bad_auth": _("Open the page again."),
        "err_line_empty": _("Write the line first."),
        "err_bad_order": _("Put every step in the list once."),
        "err_no_line": _("That group has written no line here."),
        "err_bad_payload": _("That message was not understood. Reload the page."),
        "err_bad_step": _("There is no such step."),
        "err_bad_team_count": _("Form at least two teams."),
        "err_forbidden": _("That is not allowed for you."),
        "err_no_such_team": _("There is no such team."),
        "err_not_team_task": _("Everyone answers this one alone: enter the class's answers, not a team's."),
        "err_no_timer": _("No timer is running."),
        "err_not_paused": _("Nothing is paused."),
        "err_not_running": _("Nothing to pause."),
        "err_not_started": _("Start it first."),
        "err_not_yet": _("The time is not up yet."),
        "err_started": _("It has already started."),
        "err_unknown_action": _("That command is not allowed here."),
        "err_unknown_event": _("That message was not understood. Reload the page."),
        "err_unknown_step": _("That step is not in this workshop."),
        "err_too_large": _("That was too much data at once. Reload the page and try again."),
        "err_generic": _("That did not work. Try again."),
        # the connection doctor
        "doctor_title": _("No phone has reached the kit yet"),
        "doctor_intro": _("A minute has passed and no one has joined. The usual reasons, most likely first:"),
        "doctor_wifi": _("The school's guest Wi-Fi keeps devices apart"),
        "doctor_wifi_fix": _(
            "Many guest networks do not let phones reach other devices on the same network. Turn on the "
            "laptop's own hotspot, or a phone's hotspot, and have the pupils connect to it. With a phone's "
            "hotspot, connect the laptop to it too."
        ),
        "doctor_wifi_restart": _(
            "Then restart the kit (Ctrl+C, then start it again) and reload this page and the projector, so "
            "that the QR code shows the new address. The session goes on where it was."
        ),
        "doctor_hosted": _("Or run the workshop on your organisation's hosted kit, if it has one."),
        "doctor_firewall": _("The laptop's firewall blocks port {port}"),
        "doctor_fw_windows": _(
            "Windows: when Windows asks about Python, choose Allow access. If you missed it: Windows Defender "
            "Firewall › Allow an app through the firewall › Change settings › tick python for Private and Public."
        ),
        "doctor_fw_mac": _(
            "macOS: System Settings › Network › Firewall › Options › allow incoming connections for python."
        ),
        "doctor_fw_linux": _("Linux, in a terminal:"),
        "doctor_fw_or": _("or, with firewalld:"),
        "doctor_network": _("The phones are on another network"),
        "doctor_network_fix": _(
            "Phones on mobile data or on another Wi-Fi cannot reach the laptop. Check that the pupils are on "
            "the same Wi-Fi as the laptop, then have them type this address:"
        ),
        "doctor_no_devices": _(
            "No pupil devices at all? Play with the console: you can enter the class's answers yourself."
        ),
        # scanning paper answer cards
        "scan_cards": _("Scan the cards"),
        "scan_hint": _(
            "Point the laptop's camera at the class. Each card counts once, for the letter at its top; "
            "a card turned later counts for its new letter."
        ),
        "scan_seen": _("Cards seen: {n}"),
        "scan_use": _("Use these counts"),
        "scan_no_camera": _(
            "The camera could not be opened. Check that the laptop has a camera, that no other program "
            "is using it, and that the browser may use it; or count the cards and type the counts."
        ),
        "cancel": _("Cancel"),
    }
