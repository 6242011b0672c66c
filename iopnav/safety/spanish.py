"""The crisis responses in Spanish (register: tú, docs/language.md), built
from crisis_resources.yml like the English ones in resources.py,
handoffs.py and followups.py, and rendered next to them into
domain/crisis.yml as variations for `language: es`.

Every Spanish hand-off names 988 the way Spanish speakers reach it (call and
press 2, or text AYUDA to 988: `crisis_line.spanish_es` in
crisis_resources.yml) and the emergency number.

SMS texts drop the accents á í ó ú: they are outside the GSM-7 alphabet, and
one of them would turn the whole SMS into UCS-2 (70 characters a segment),
so the hand-off would need five segments instead of two.
"""

from typing import Any, Dict, List, Optional, Tuple

from iopnav.safety import handoffs
from iopnav.safety.handoffs import Texts  # (web text, SMS text)

LANGUAGE = "es"
Variations = List[Dict[str, Any]]

CLOSING = (
    "Soy un asistente automático, no un consejero, así que no puedo enviar ayuda yo mismo. "
    "Sigo aquí si quieres seguir hablando."
)
SMS_CLOSING = "Soy un asistente automático, pero sigo aquí."
# Outside GSM-7 (é, ñ, ü, ¿ and ¡ are in it).
_GSM_PLAIN = str.maketrans("áíóúÁÍÓÚ", "aiouAIOU")


def sms_plain(text: str) -> str:
    return text.translate(_GSM_PLAIN)


def _cap(text: str) -> str:
    """Capitalised at a sentence start ("AYUDA" stays in capitals)."""
    return text[:1].upper() + text[1:]


def line_ways(r: Dict) -> Tuple[str, str]:
    """(call, text): how a Spanish speaker reaches the crisis line."""
    line = r["crisis_line"]
    spanish = line.get("spanish_es") or {}
    return (
        spanish.get("call") or f"llama al {line['call']}",
        spanish.get("text") or f"envía un mensaje de texto al {line['text']}",
    )


def line_options(r: Dict) -> str:
    """ "llama al 988 y marca 2, o envía AYUDA por mensaje de texto al 988" """
    call, text = line_ways(r)
    return f"{call}, o {text}"


def handoff(r: Dict) -> Texts:
    sos = r["emergency_number"]
    text = (
        "Me alegra mucho que me lo hayas contado, y me preocupa tu seguridad. "
        "Puedes hablar con una persona ahora mismo:\n"
        f"- {_cap(line_options(r))} ({r['crisis_line']['name']}, gratis, 24/7).\n"
        f"- Si estás en peligro inmediato, llama al {sos} o ve a la sala de emergencias "
        "más cercana.\n" + CLOSING
    )
    sms = (
        f"Por favor busca ayuda ahora: {line_options(r)} (gratis, 24/7). "
        f"En peligro inmediato, llama al {sos} o ve a la sala de emergencias. " + SMS_CLOSING
    )
    return text, sms_plain(sms)


def reminder(r: Dict) -> Texts:
    """The line that ends every reply after a hand-off (resources.reminder_text)."""
    sos = r["emergency_number"]
    text = f"Si necesitas ayuda ahora, {line_options(r)}, o llama al {sos} en una emergencia."
    return text, sms_plain(text)


def overdose(r: Dict) -> Optional[Texts]:
    poison = r.get("poison_control")
    if not poison:
        return None
    sos = r["emergency_number"]
    text = (
        "Gracias por decírmelo. Esto podría ser una emergencia médica, así que busca ayuda ya:\n"
        f"- Llama al {sos} ahora mismo, o ve a la sala de emergencias más cercana. "
        f"Si alguien no despierta bien o respira de forma extraña, llama primero al {sos}.\n"
        f"- {poison['name']}: llama al {poison['call']} (gratis, 24/7) por lo que se tomó.\n"
        f"- Para hablar con alguien sobre cómo te sientes, {line_options(r)}.\n" + CLOSING
    )
    sms = (
        f"Busca ayuda ya: llama al {sos} o ve a la sala de emergencias. "
        f"{poison['name']}: {poison['call']} (gratis, 24/7). "
        f"Para hablar con alguien, {line_options(r)}. " + SMS_CLOSING
    )
    return text, sms_plain(sms)


def harm_others(r: Dict) -> Optional[Texts]:
    sos = r["emergency_number"]
    text = (
        "Gracias por decírmelo. Hace falta valor.\n"
        f"- Si alguien está en peligro ahora mismo, llama al {sos}.\n"
        f"- {_cap(line_options(r))} (gratis, 24/7). También ayudan, sin juzgar, "
        "a quien tiene impulsos de hacerle daño a alguien.\n" + CLOSING
    )
    sms = (
        f"Si alguien está en peligro ahora, llama al {sos}. {_cap(line_options(r))} "
        "(24/7): también ayudan, sin juzgar, a quien tiene impulsos de hacer daño. " + SMS_CLOSING
    )
    return text, sms_plain(sms)


def child(r: Dict) -> Optional[Texts]:
    stop, abuse = r.get("child_safety"), r.get("child_abuse")
    if not stop or not abuse:
        return None
    sos = r["emergency_number"]
    text = (
        "Gracias por decírmelo. La seguridad de un niño o una niña es lo primero.\n"
        f"- Si un menor está en peligro ahora mismo, llama al {sos}.\n"
        "- Si tienes pensamientos sexuales sobre un menor o impulsos de hacerle daño: "
        f"detente, por favor, y habla con alguien ahora. {stop['name']} tiene una línea "
        f"gratuita y confidencial: {stop['call']}.\n"
        f"- Si están lastimando a un menor, llama a {abuse['name']}: {abuse['call']} (24/7).\n"
        + CLOSING
    )
    sms = (
        f"Si un menor está en peligro ahora, llama al {sos}. Pensamientos sexuales o impulsos "
        f"de dañar a un menor: detente y llama a {stop['name']}, confidencial: {stop['call']}. "
        f"Si lastiman a un menor: {abuse['name']}, {abuse['call']}. " + SMS_CLOSING
    )
    return text, sms_plain(sms)


def abuse(r: Dict) -> Optional[Texts]:
    dv = r.get("domestic_violence")
    if not dv:
        return None
    sos = r["emergency_number"]
    text_option = (
        f", o envía {dv['text_keyword']} al {dv['text_number']}" if dv.get("text_number") else ""
    )
    text = (
        "Gracias por decírmelo, y siento mucho que te esté pasando esto. No es tu culpa.\n"
        f"- Si estás en peligro ahora mismo, llama al {sos}.\n"
        f"- La {dv['name']} es gratuita, confidencial y atiende 24/7: llama al {dv['call']}"
        f"{text_option}. Escribir puede ser más seguro si alguien te puede oír.\n"
        f"- Para hablar con alguien sobre cómo te sientes, {line_options(r)}.\n" + CLOSING
    )
    sms = (
        f"Si estás en peligro ahora, llama al {sos}. {dv['name']}, gratis y confidencial, "
        f"24/7: llama al {dv['call']}{text_option}. " + SMS_CLOSING
    )
    return text, sms_plain(sms)


# The same kinds as handoffs.BY_KIND, built the same way (handoffs.by_kind).
BY_KIND: handoffs.Builders = {
    "overdose": overdose,
    "harm_others": harm_others,
    "child": child,
    "abuse": abuse,
}


def by_kind(r: Dict) -> Dict[str, Texts]:
    return handoffs.by_kind(r, BY_KIND)


# --- around the screening question (resources.py has the English)


def risk_check(r: Dict) -> str:
    return (
        "Gracias por contarme cómo te sientes. Quiero preguntarte algo directamente, porque "
        "importa: ¿estás pensando en quitarte la vida? (sí o no) "
        f"Si necesitas a alguien ahora, {line_options(r)}."
    )


def risk_check_others(r: Dict) -> str:
    return (
        "Gracias por contármelo. El enojo que se siente fuera de control es difícil de cargar. "
        "Quiero preguntarte algo directamente, porque importa: ¿estás pensando en lastimar a "
        "alguien, o tienes miedo de hacerlo? (sí o no) "
        f"Si alguien está en peligro ahora mismo, llama al {r['emergency_number']}; para "
        f"hablar con alguien, {line_options(r)}."
    )


def risk_check_others_no(r: Dict) -> str:
    return (
        "Gracias por decírmelo. Un enojo así agota, y no tienes que manejarlo a solas. "
        f"Si alguna vez sientes que podrías lastimar a alguien, {line_options(r)}, a cualquier "
        "hora: también ayudan con eso, sin juzgarte. "
        "Un programa intensivo ambulatorio (IOP) también podría ayudarte: apoyo en grupo e "
        "individual unas horas al día, varios días a la semana, mientras sigues viviendo "
        "en casa. ¿Quieres saber más?"
    )


def risk_check_others_unsure(r: Dict) -> str:
    return (
        "Gracias por tu sinceridad. Está bien no estar seguro o segura. ¿Puedo preguntarte "
        "algo: están todos a salvo ahora mismo, tú y las personas a tu alrededor? Si alguien "
        f"podría salir lastimado, llama al {r['emergency_number']}; para hablarlo con alguien, "
        f"{line_options(r)}."
    )


def risk_check_no(r: Dict) -> str:
    return (
        "Gracias por decírmelo. Lo que sientes suena difícil, y no tienes que cargarlo solo "
        "ni sola. Si esos pensamientos llegan alguna vez, o no te sientes a salvo, "
        f"{line_options(r)}, a cualquier hora del día o de la noche. "
        "Un programa intensivo ambulatorio (IOP) también podría ayudarte: apoyo en grupo e "
        "individual unas horas al día, varios días a la semana, mientras sigues viviendo "
        "en casa. ¿Quieres saber más?"
    )


def share_feelings(r: Dict) -> List[str]:
    options = line_options(r)
    return [
        "Eso suena muy difícil, y me alegra que lo digas. Sentirse así es una razón común "
        "para buscar más apoyo, y no tienes que resolverlo a solas. Un programa intensivo "
        "ambulatorio (IOP) te da apoyo en grupo e individual unas horas al día, varios días a "
        "la semana, mientras sigues viviendo en casa. Si alguna vez empiezas a sentirte en "
        f"peligro, {options}, de día o de noche. ¿Quieres saber más sobre cómo funciona un IOP?",
        "Gracias por contarme cómo van las cosas. Es mucho para cargar. Mucha gente empieza "
        "un programa intensivo ambulatorio (IOP) cuando la vida se siente así: unas horas de "
        "apoyo en grupo e individual varios días a la semana, y sigues durmiendo en casa. Y si "
        f"alguna vez llegas a sentirte en peligro, {options}, de día o de noche. "
        "¿Quieres saber cómo podría ayudarte un IOP?",
    ]


def risk_check_unsure(r: Dict) -> str:
    return (
        "Gracias por decírmelo. Está bien no estar seguro o segura. ¿Puedo preguntarte algo: "
        "estás a salvo ahora mismo? Si no lo sabes, o los pensamientos se hacen más fuertes, "
        f"por favor {line_options(r)} ahora."
    )


RISK_CHECK_BUTTONS = ("Sí", "No")
RISK_CHECK_UNSURE_BUTTONS = ("Estoy a salvo ahora", "No estoy a salvo")
RISK_CHECK_OTHERS_UNSURE_BUTTONS = ("Todos estamos a salvo", "Alguien podría salir lastimado")


# --- after a hand-off (followups.py has the English)


def _ways(r: Dict) -> str:
    chat = r["crisis_line"].get("chat")
    return line_options(r) + (f", o chatea en línea en {chat} (en inglés)" if chat else "")


def followups(r: Dict) -> Dict[str, Variations]:
    sos, call = r["emergency_number"], r["crisis_line"]["call"]
    ways = _ways(r)
    in_crisis_mode = [{"type": "slot", "name": "crisis_mode", "value": True}]
    return {
        "utter_crisis_text_options": [
            {
                "text": "No tienes que llamar ni hablar en voz alta. Puedes escribir:\n"
                f"- {_cap(line_options(r))}.\n"
                "Te contesta una persona de verdad, un consejero capacitado. "
                "Es gratis, a cualquier hora."
            }
        ],
        "utter_crisis_line_process": [
            {
                "text": f"Cuando llamas o escribes al {call}, te atiende un consejero de crisis "
                "capacitado. Te escucha, te pregunta cómo estás y si estás a salvo, y te ayuda "
                "a pensar un siguiente paso con el que te sientas bien. Es gratis y "
                "confidencial, y puedes contar tanto o tan poco como quieras. Puedes dejarlo "
                "cuando quieras."
            }
        ],
        "utter_crisis_privacy": [
            {
                "text": f"Te respondo con honestidad: por lo general, no. Las llamadas y los "
                f"mensajes al {call} son confidenciales, y los consejeros no avisan a tus "
                "padres ni llaman a la policía solo porque pediste ayuda. Solo recurren al "
                f"{sos} o a servicios de emergencia cuando alguien está en peligro inmediato y "
                "no logran acordar juntos un plan para estar a salvo. Algo más que debes "
                "saber: este chat se guarda, y el personal de la clínica puede leerlo para "
                "darte seguimiento."
            }
        ],
        "utter_crisis_door_open": [
            {
                "text": "De acuerdo. Gracias por contarme lo que contaste, no fue fácil. "
                f"Si las cosas se ponen difíciles otra vez, hoy o cualquier día, {ways}, "
                "y también puedes volver aquí."
            },
            {
                "text": "Me alegra que me lo digas. No tienes que tenerlo todo resuelto. "
                f"Si vuelve a pesarte, {line_options(r)}, de día o de noche. "
                "Yo también sigo aquí cuando quieras escribir."
            },
        ],
        "utter_crisis_check_in": [
            {
                "text": "Sigo aquí. ¿Cómo estás ahora mismo? "
                "Puedes escribir lo que sea, aunque sea una palabra."
            },
            {
                "text": "Sin prisa, aquí estoy. Si te ayudaría hablar con una persona sin "
                f"hablar en voz alta, {line_ways(r)[1]}."
            },
        ],
        "utter_crisis_support": [
            {
                "text": "Te escucho, y me alegra que sigas hablando conmigo. No tienes que "
                f"pasar por esto a solas. Ahora mismo, {line_options(r)}; escribir sirve si "
                "te cuesta hablar en voz alta. Es gratis y confidencial, y te atiende una "
                "persona de verdad."
            }
        ],
        "utter_crisis_thanks": [
            {
                "text": "De nada. Pedir ayuda requiere valor. "
                f"El {call} está disponible a cualquier hora, de día o de noche, y yo también."
            }
        ],
        "utter_crisis_help_now": [
            {
                "text": f"Puedes hablar con una persona de verdad ahora mismo: {ways}. "
                f"Si estás en peligro ahora, llama al {sos}. Yo también sigo aquí."
            }
        ],
        "utter_anger_at_bot": [
            {
                "text": "Perdón, me equivoqué, y está bien que te frustres conmigo. Soy un "
                "asistente automático y se me escapan cosas. Puedes preguntarme de otra "
                "forma, o pedir hablar con una persona de nuestro personal."
            },
            {
                "text": "Perdón. Está bien que te frustres conmigo; solo soy un asistente "
                f"automático. Si quieres hablar con una persona de verdad, {ways}, "
                "cuando estés listo o lista. Sin presión.",
                "condition": in_crisis_mode,
            },
        ],
        "utter_default": [
            *(
                {"text": text, "buttons": FALLBACK_BUTTONS}
                for text in (
                    "Perdona, no entendí bien. ¿Puedes decirlo de otra forma? "
                    "También puedes elegir un tema.",
                    "No estoy seguro de haberte entendido. ¿Me lo dices con otras palabras, "
                    "o eliges una de estas opciones?",
                )
            ),
            {
                "text": "No estoy seguro de haberte entendido, y no pasa nada. Si quieres "
                f"hablar con una persona, {ways}. Si estás en peligro ahora, llama al {sos}. "
                "Sigo aquí.",
                "condition": in_crisis_mode,
            },
        ],
    }


# Same payloads as followups.FALLBACK_BUTTONS.
FALLBACK_BUTTONS = [
    {"title": "¿Qué es un IOP?", "payload": "/ask_what_is_iop"},
    {"title": "Horarios", "payload": "/ask_schedule"},
    {"title": "Seguro médico", "payload": "/ask_insurance"},
    {"title": "Buscar un programa", "payload": "/find_program"},
    {"title": "Hablar con una persona", "payload": "/request_human"},
]
