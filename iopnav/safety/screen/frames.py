"""Step 2 of the screen: the frames around a match that change what it means.

A sentence is a question about services or general information, a media or
news mention, a hypothetical, a conditional about someone else in an advice
question, the loss of someone already dead, history, an idiom, a joke; a
match may be negated or name the writer. Each frame a rule can name is a
function registered in FRAMES (name -> predicate of the sentence's frames
and the match); the rule table (rules.yml, rules.py) says which frame
overrules which match. Frames are computed lazily: a sentence with no match
costs none of them.
"""

import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable, Dict, Iterator, List, Optional, Tuple

from iopnav.safety.screen import history, lexicon, speaker
from iopnav.safety.screen.lexicon import Match, Prefilter, expand, literal_gates, passes
from iopnav.safety.screen.negation import negated
from iopnav.safety.screen.normalise import is_spanish, split_sentences
from iopnav.safety.screen.views import SentenceViews, lemma_text, prime_lemmas, pronoun_after

_QUESTION_START = re.compile(
    r"^\s*(?:do|does|did|can|could|is|are|will|would|should|how|what|which|who|whom|any|anyone|if|"
    r"when|where|y'?all)\b(?! not\b)"  # "can not stop cutting" is a statement
    # "why" only about people in general ("why do teens self-harm"): "why
    # go on", "why am i still here" are despair, not questions.
    r"|^\s*why (?:do|does|did|would|are|is) (?:so many |some |most |many |a lot of )?"
    r"(?:people|someone|somebody|anyone|persons?|teens|teenagers|kids|youth|young people|men"
    r"|women|veterans|adolescents|students|patients)\b"
    # Spanish: an opening mark, or an interrogative ("que" alone also opens
    # statements: "que Dios me perdone")
    r"|^\s*¿|^\s*(?:como|cual|cuales|cuando|donde|por que|hay|tienen|pueden|se puede|es normal"
    r"|deberia|debo|que (?:hago|puedo|debo|deberia|hacer|significa|pasa si|senales|tan))\b"
)
_SERVICE_WORDS = re.compile(
    r"\b(?:you|your|y'?all|program|programs|iop|iops|clinic|staff|therap\w*|counsel\w*|treat\w*|he"
    r"lp with|help for|policy|protocol"
    r"|handle|accept|admit|take people|work"
    r" with|specializ\w*|group|groups|patient|patients|client|clients|people|someone|somebody"
    r"|anyone|a person|those|insurance|cover\w*|intake|assessment\w*|screen\w*|prevention|awarenes"
    r"s|training|trained"
    r"|resources|steps|warning signs|signs|talk to|support|survivors|mention\w*|families|parents"
    r"|ustedes|programas?|clinica|terapia\w*|consejer\w*|tratan|tratamientos?|atienden|aceptan"
    r"|admiten|grupos?|pacientes|gente|personas|alguien|seguro|cubre|prevencion|capacitacion\w*"
    r"|talleres|taller|charlas?|recursos|folletos?|materiales|apoyo|familias|padres)\b"
)
# Asking for a way to do something: worded like a general question, but a
# request for a method when what follows is self-injury.
_HOW_TO = re.compile(
    r"\b(?:how (?:do|does|can|could|would|should|might) (?:you|u|one|i|someone|somebody|people|a"
    r" person)\b|how to\b"
    r"|(?:best|easiest|quickest|fastest|least painful|safest|cleanest) way\b|ways? to\b"
    r"|tips? (?:for|on|to)\b|tricks? (?:for|to)\b|techniques? (?:for|to)\b"
    # "a method of overdosing", "what kinds of objects could you use to...",
    # "the ideal depth for..."
    r"|methods? (?:of|for)\b"
    r"|what (?:kinds?|types?|sorts?) of (?:\w+ ){0,2}(?:can|could|would|should)"
    r" (?:i|you|one|someone|a person) use\b|(?:ideal|best|right|optimal|safest|proper)"
    r" (?:depth|angle|spot|place|temperature|amount|tool|object|blade)s? (?:for|to)\b)"
)
# A how-to about talking or helping ("how do I ask my teen about suicide",
# "tips on talking to a friend who self-harms") asks how to reach someone,
# not for a way to do it.
_HOW_TO_TALK = re.compile(
    r"(?: \w+)? (?:ask|asking|talk|talking|bring|bringing|approach|approaching|explain|explaining"
    r"|discuss|discussing|mention|raise|broach|address|support|supporting|help|helping|respond"
    r"|react|word|tell|telling|speak|speaking|check on|check in|recognize|spot|notice|cope|handle"
    r"|comfort|reach out)\b"
)
# The only words that may stand between a how-to and a risk word for the
# risk word to be the thing asked for ("how to overdose", "how can i do
# self-harm", "a way to commit suicide"); any other ("how to stop cutting",
# "how to depict suicide", "how to give narcan for an overdose") makes it the
# topic.
_DOING = frozenset(
    "do doing commit committing attempt attempting try trying perform get a an the some just"
    " actually really quickly safely painlessly successfully properly engage engaging in to"
    " create creating cause causing inflict inflicting"
    " practice practise practicing practising".split()
)
# "suicide" as a modifier names a subject, not someone's danger ("suicide
# prevention", "suicide rates", "tasas de suicidio"). Not "risk", "crisis",
# "hotline" or "survivor": those can be the writer's own.
_TOPIC_NOUN_AFTER = re.compile(
    r"\s+(?:prevention|awareness|education|trainings?|statistics|stats|numbers|rates?|research"
    r"|postvention|month|week|day|talks?|presentation|workshops?|walk|module|unit|curriculum|policy"
    r"|protocol|resources|materials|screenings?|assessments?|warning signs|loss|epidemic|deaths"
    r"|response|kits?|among|calls|risk(?: factors)?|contagion|clusters?|stigma|studies|data)\b"
    # the subject in a group of people (session 38: "suicide in older men",
    # "el suicidio en adultos mayores")
    r"|\s+(?:in|among|en|entre) (?:the |los |las |la )?(?:\w+ ){0,2}(?:men|women|adults|teens"
    r"|teenagers|youth|veterans|kids|children|students|seniors|elderly|populations?|athletes"
    r"|adolescents|males|females|hombres|mujeres|adultos|jovenes|adolescentes|veteranos|ninos"
    r"|estudiantes|personas|latinos|latinas|comunidad(?:es)?)\b"
)
_TOPIC_NOUN_BEFORE = re.compile(
    r"\b(?:prevencion|tasas?|estadisticas|capacitacion|perdida|duelo|investigacion|tema|taller"
    r"|talleres|charlas?|platicas?|senales|guias?|materiales?|folletos?|tarea|proyecto|exposicion"
    r"|muertes|casos|aumento|alerta|advertencia|cursos?|clases?|articulos?|libros?|informacion"
    r"|entrenamientos?|ensayos?|mitos|ideas (?:equivocadas|falsas)|creencias|prejuicios"
    r"|documental|estigma"
    # a risk people in general have, not someone "en riesgo" or "mi riesgo"
    r"|(?<!en )(?<!en alto )(?<!mi )(?<!corro )(?<!corre )(?<!tengo )(?<!tiene )riesgos?)"
    r"(?: (?:mas |muy )?(?:altas?"
    r"|altos?|alarmantes|mas altas))? (?:de|del|por|sobre) (?:el )?(?:\w+ (?:y|e) )?$"
    # talking about it as a subject ("hablar de suicidio con los niños")
    r"|\b(?:hablar|hablarles|hablarle|hablo|hable|hablamos|platicar) (?:de|del|sobre) (?:el )?$"
    # English: a group's suicide ("veteran suicide", "staff suicides"), and
    # the word as what was read or taught about ("an article on suicide")
    r"|\b(?:veterans?|teen|teenage|youth|staff|male|military|physician|doctor|nurse|farmer|student"
    r"|adolescent|elderly|senior|police|firefighter|workplace|rural|campus) $"
    r"|\b(?:read|reading|learned|learning|heard|article|articles|news|documentary|class|lecture"
    r"|unit|lesson|module|assembly|talk|panel"
    r"|training|curriculum|workshop|seminar|book|research|report|statistics|stats|rates?|numbers"
    r"|trainings|course|webinar|flyer|pamphlet|brochure|poster|handout|podcast|video|signs"
    r"|presentations?|papers?|essays?|books|materials|resources)"
    # "a workshop on depression and suicide": one subject named before it
    r" (?:\w+ ){0,3}(?:on|about|of|for) (?:\w+ )?(?:(?:and|or) )?$"
    # what prevents or causes it, for people in general ("does X prevent suicide")
    r"|\b(?:prevent|prevents|preventing|prevented|reduce|reduces|reducing|predict|predicts"
    r"|predicting|cause|causes|linked to|lead to|leads to|contribute to|contributes to) $"
)
# Asking for a method, an amount or a dose that would kill ("what method
# would be quickest", "how many pills would it take", "que metodo seria mas
# rapido", "cuantas pastillas bastan"): method seeking, even wrapped as a
# novel, a film or a documentary.
_METHOD_REQUEST = re.compile(
    r"\b(?:(?:which|what|best|quickest|fastest|easiest|surest|cleanest|least painful|most"
    r" (?:effective|realistic|painless|reliable|lethal|common)) (?:\w+ )?(?:method|methods|way"
    r"|ways|dose|dosage|amount)"
    # not a way to help, ask or prevent ("the best way to ask a student")
    r"(?! (?:to|of|for) (?:suicide |self-harm |overdose )?(?:respond|ask|prevent\w*|help|support"
    r"|talk|approach|handle|deal|cope|tell"
    r"|say|bring|reach|get|find|stop|quit|recogni\w*|spot|intervene|react|check|start|explain"
    r"|teach|protect|keep|treat|manage)\b)"
    r"|how (?:many|much) (?:\w+ ){0,3}(?:would|to|does it take|it takes|is|are|will)"
    r" (?:kill|be (?:lethal|fatal|deadly)|lethal|fatal|deadly|overdose|die)"
    # (session 32) how long dying takes, doing it to oneself, where to cut,
    # a dose for organ failure, a spot to jump
    r"|how long (?:does it take|would it take|until|before|till) (?:\w+ ){0,4}?(?:die|dead|pass out"
    r"|lose consciousness)"
    r"|can (?:you|u|i|someone|a person|people) (?:really |actually )?(?:choke|drown|strangle"
    r"|suffocate|hang|starve|bleed) (?:yourself|urself|myself|themselves|oneself|out|to death)"
    r"|where (?:would|do|should|can|could) (?:you|i|u|people|someone) (?:have to |need to )?cut"
    r"|(?:cause|causes|for) (?:liver|kidney|organ) failure|(?:place|spot|bridge|height|floor)"
    r" (?:on the \w+ )?to jump"
    r"|(?:lethal|fatal|deadly) (?:dose|dosage|amount|quantity)|amount of \w+ (?:is|would be)"
    r" (?:lethal|fatal|deadly)"
    # (session 37) comparing ways to hurt, or hiding the marks ("which hurts
    # less, burning or cutting", "easier to hide")
    r"|(?:what|which)(?: one)? (?:hurts|would hurt|is less painful) (?:more|less)|easier to hide"
    r"|scars? less|hide (?:the |my |fresh |new )?(?:cuts|scars|marks|burns|wounds)"
    r"|(?:cut|cutting|cuts) deep(?:er)?\b|(?:sharpest|best) (?:\w+ ){0,2}for cutting"
    r"|(?:que|cual|cuales) (?:es el |es la |son los |son las |seria el |seria la )?(?:metodos?"
    r"|formas?|maneras?|dosis|cantidad)"
    r"|(?:metodo|forma|manera)s? (?:mas|menos) (?:rapid\w*|efectiv\w*|doloros\w*|realista|segur\w*"
    r"|facil)"
    r"|cuant[oa]s? (?:\w+ ){0,4}(?:bastan|basta|hacen falta|se necesitan|necesito|matan|mata|para"
    r" (?:no despertar|morir|matar))"
    # (session 32) how long dying takes, a way not to fail, a death made to
    # look like an accident outside a story (Spanish)
    r"|cuanto (?:tiempo )?tarda (?:\w+ ){0,2}en morir|forma de no fallar(?! (?:en|el|la|al|a|de)\b)"
    r"|^(?!.*\b(?:villano|personaje|novela|pelicula|serie|cuento|libro|guion|escena)\b).*?\bparezca"
    r" (?:un )?accidente"
    r"|dosis (?:letal|mortal))\b"
)
_GENERIC_SUBJECT = re.compile(
    r"\b(?:people|someone|somebody|anyone|patients|clients|those|a"
    r" person|teens|kids|individuals|folks|a patient|a client|residents|members)\b"
)
_HYPOTHETICAL = re.compile(
    r"\b(?:what if|in case|if i ever|should i ever|if i (?:start|get|feel|were|had|became)|if"
    r" someone|hypothetically"
    r"|ask(?:ed|s)? (?:me )?(?:if|whether))\b"
)
_MEDIA = re.compile(
    # "show" as a programme, not the verb ("so it won't show")
    r"\b(?:(?:the|a|this|that|tv|netflix|new|favorite|favourite|reality|crime|comedy|talk|cooking)"
    r"(?: (?!not|does|do|did|will|would|can|could|should|may|might)\w+)? shows?"
    r"|book|novel|movie|film|episode|series|season|song|lyrics|game|character|characters|"
    # not "good news, bad news" about one's own life
    r"(?<!good )(?<!bad )(?<!great )(?<!sad )(?<!happy )(?<!terrible )(?<!awful )(?<!big )news"
    r"|article|documentary"
    # ("manga larga" is a long sleeve)
    r"|video|podcast|anime|manga(?!s? largas?)|netflix|hbo|tv|essay|character's|villain|hero"
    r"|memoir|album|band|metallica|reading"
    r"|scene|scenes|plot|chapter|storyline|watched|headline|reporter|actor|actress|singer|rapper|c"
    r"elebrity|poem|musical"
    # a story's ending, a stage play (not "ending it", "ending my life")
    r"|(?:the|its|happy|sad|tragic|suicide|alternate|alternative|twist) ending(?! (?:it|my|things"
    r"|this|everything|all|myself))|(?:the|a|school|class) play"
    r"|pelicula|peli|serie|telenovela|cancion|corrido|letra de|libro|capitulo|episodio|temporada"
    r"|videojuego|personajes?|noticias?|noticiero|periodico|articulo|documental|poema|cantante"
    r"|obra de teatro|club de lectura|univision|telemundo"
    r"|actor|actriz|ensayo|tesis|novela|reportaje|thesis|dissertation)\b"
)
_IDIOMS = re.compile(
    r"\b(?:(?:be|is|are|was|it|this|that|\w+) killing me|kill(?:s|ing)? me"
    r" (?:lol|haha|lmao)|could kill for|would kill for|kill for a"
    r"|dying (?:to|for) (?:know|try|see|hear|get|meet|start|join|ask|find"
    r" out|go|have|eat)|(?<!want )(?<!wants )(?<!wanna )(?<!need )(?<!going )(?<!ready )(?<!about"
    r" )(?<!trying )to die for(?! (?:weeks|days|months|years|a while|so long|real|fr|a long"
    r" time|the past))|die (?:of|from) (?:embarrassment|laughter|boredom|cringe|shame)"
    r"|death of me|killed it|kill it|killing it|nailed it|bored to death|scared to death|worried"
    r" to death|sick to death|dead tired"
    r"|dying (?:of|from) laughter|i am dead (?:lol|haha|lmao|😂)|dead (?:phone|battery)|kill"
    r" (?:time|the lights|the engine|the music|the vibe|the mood)"
    r"|murder on (?:my|the)|(?:traffic|commute|this|it|that) (?:is|was) murder|drop dead"
    r" gorgeous|kill two birds|dressed to kill|make a killing"
    r"|overkill|killer (?:app|deal|workout|headache|view)|my (?:feet|back|head|legs) (?:are|is)"
    r" killing|shoot me a text|shoot (?:me|you) an email"
    r"|shoot me a message|i could die (?:of|from)|i am dying here (?:lol|haha)|dying laughing"
    r"|(?:kill|strangle|murder) me for (?:telling|saying|this|sharing|asking|being late|posting)"
    r"|(?:it|that|this|reality|the news) (?:just |really |finally |suddenly )?(?:hit|hits) me"
    # a feeling or a loss that "hits me hard" is not a blow; nor is a "hit" to self-esteem
    r"|(?:pain|grief|loss|sadness|depression|anxiety|guilt|loneliness|memory|memories|realization"
    r"|truth|passing|death|wave|feeling|feelings)(?: of \w+)? (?:just |really |finally |suddenly "
    r"|still |often |always |sometimes )?(?:hit|hits) me"
    r"|tak(?:e|es|ing|en) a (?:big |huge |real )?hit"
    r"|kick me\W{0,2} sign"
    r"|(?:phone|phones|battery|laptop|computer|car|truck|engine|plant|plants|headphones|earbuds|ai"
    r"rpods|charger|tablet|ipad|tv|wifi"
    r"|internet|printer|flowers|garden|conversation|group chat)\b(?:'s)?(?:"
    r" (?!i\b|me\b|myself\b|want|wanna|wish)\S+){0,7}?"
    r" (?:die|dying|died|dead)"
    r"|(?:had|have|has) me (?:dying|dead|crying laughing)"
    # a boss or a teacher who "will kill me" over lateness or a grade (Spanish)
    r"|(?:mi|el|la) (?:jefe|jefa|profe|profesor|profesora|maestro|maestra|entrenador|entrenadora"
    r"|coach|supervisor|supervisora) me va a matar si (?:llego|no llego|no entrego|no termino"
    r"|repruebo|pierdo|no paso|se me olvida|me ve|me vuelvo a)"
    # dying "of laughter", "of embarrassment" (not "de pena": sorrow in much of
    # the Spanish-speaking world); a job or the traffic "killing me" (Spanish)
    r"|(?:me (?:quiero |voy a |iba a |estoy )?(?:morir|muero|muriendo|matar)|matarme|morirme)"
    r" (?:de|del) (?:la |el )?(?:risa"
    r"|verguenza|sueno|hambre|frio|calor|aburrimiento|envidia|ganas|nervios|cansancio|sed|ternura"
    r"|emocion|coraje|susto|rabia)"
    # a feeling or a song that "me pega" (hits me), not a person hitting
    r"|(?:tristeza|soledad|ansiedad|depresion|nostalgia|cancion|bajon|melancolia|cruda|gripa"
    r"|pura apariencia|igual|eso|esto|la noticia|el recuerdo)(?: \S+){0,2} me pega"
    r"|me pega (?:duro|fuerte|bien|mucho|la nostalgia|la tristeza|el bajon)"
    r"|(?:este|esta|ese|esa|el|la|mi) (?:trabajo|chamba|jale|escuela|uni|universidad|trafico|calor"
    r"|estres|semana|horario|turno|examen|clase|rutina|tarea|dolor de cabeza|dolor de espalda"
    r"|renta|fila|cuenta|factura|deuda)"
    r"(?: \S+){0,3}? me (?:va a matar|esta matando|mata)"
    r"|me (?:va a|vas a|van a) matar (?:de|del) (?:un )?(?:susto|infarto|coraje|aburrimiento|risa"
    r"|hambre|cansancio|estres|nervios|los nervios)"
    # violence to a machine, an overdose of coffee, a sports drill
    r"|(?:kill|strangle|shoot|murder|choke|smash)(?:ing)? (?:my|this|the|that) (?:printer|laptop"
    r"|computer|phone|wifi|router|microwave|alarm|alarm clock|tv|keyboard|toaster|scanner|fax"
    r" machine)"
    r"|(?:overdos\w*|od'?d|overdid it) on (?:the )?(?:coffee|caffeine|sugar|candy|chocolate|energy"
    r" drinks?|red bull|espresso|netflix|pizza|cookies)|(?:coffee|caffeine|sugar|chocolate|espresso"
    r"|cafeina|cafe) (?:overdose|sobredosis)|sobredosis de (?:cafeina|cafe|azucar)"
    r"|(?:run|runs|running|ran|do|did|doing) suicides|suicide (?:squeeze|sprints?|drills?|runs)"
    r"|shoot(?:ing|s)? (?:myself|yourself|ourselves) in the foot"
    # an embarrassment ("qué oso, me quiero morir"), a parent "will kill me" over a grade
    r"|(?:que|q) oso\W+(?:\w+ )?me quiero morir"
    r"|(?:mi|el|la) (?:mama|papa|suegra|suegro|abuela|abuelo|compadre|comadre|hermana|hermano|tia"
    r"|tio) me va a matar (?:si|cuando) (?!me dejas|lo dejo|la dejo|me voy|hablo|digo|cuento"
    r"|lo denuncio|llamo|le digo|le cuento|lo digo|lo cuento|les digo|les cuento)"
    r"|kill(?:ing|ed)? (?:this|that|the|my|it|a|our)"
    r" (?:presentation|test|exam|interview|game|workout|performance|audition|set|speech"
    r"|race|shift|project|assignment|match|routine|look|outfit|song|paper|recital|solo)"
    # at the end of one's rope; a feeling "hitting me"; dying of embarrassment
    # said another way; a whole bag of food eaten; waking up at 3am
    r"|end of (?:my|his|her|their|our|the) rope"
    # devotion: "I would walk into traffic for my kids"
    r"|(?:would|will) (?:walk into traffic|take a bullet|jump in front of a (?:bus|train|car)|walk"
    r" through fire) for (?:them|him|her|you|my \w+|anyone|those)"
    # drowning in bills or work; ahogados en deudas
    r"|drown\w* in (?:\w+ )?(?:bills|debt|debts|paperwork|work|homework|emails|laundry|loans"
    r"|student loans|responsibilities|deadlines|expenses|payments|appointments|assignments)"
    r"|ahogad[oa]s? (?:en|de) (?:\w+ )?(?:deudas|cuentas|trabajo|pagos|gastos|facturas|tarea)"
    r"|(?:it|this|that|everything|reality|grief|the loss|the news|the anniversary|postpartum"
    r"|winter|the holidays|burnout|stress|the diagnosis|the breakup|the divorce|loneliness"
    r"|motherhood|retirement|depression|anxiety|it all|this week|this year)"
    r" (?:is |was |be |has been |keeps |kept )?(?:just |really |finally |suddenly )?hitting me"
    r"|embarrass\w* (?:that )?i (?:want to|wanted to|wanna|could have|could|am going to|was going"
    r" to|be going to) (?:just )?die"
    r"|ate (?:a|an) (?:whole|entire) (?:bag|box|pint|tub|sleeve|carton|pizza|cake|bucket|family"
    r" size bag) of (?!pills|meds|gummies|edibles|(?:\w+ )?pills)"
    # work "killing him", murder "for a coffee", a song that makes one "die a little"
    r"|killing (?:himself|herself|themselves|myself|yourself) (?:with|at|over) (?:work|overtime"
    r"|(?:the|that|his|her|this|my) job|two jobs|school|stress|worry)"
    r"|(?:would|could) (?:murder|kill|strangle) (?:someone|somebody|anyone|a \w+) for (?:a|an|some"
    r"|one)|(?:want|wanna|wanted) to die a little"
    # a game won and feelings hurt harm no one ("I beat my son at chess",
    # "I might hurt her feelings")
    r"|beat(?:s|ing|en)? (?:\w+ ){1,2}?(?:at|in) (?:a |the )?(?:\w+ )?(?:chess|checkers|cards|uno"
    r"|monopoly|scrabble|poker|games?|mario ?kart|fortnite|minecraft|basketball|tennis|ping pong"
    r"|pool|golf|arm wrestling|races?|running|trivia|connect four)"
    r"|hurt(?:s|ing)? (?:\S+ ){1,3}?feelings"
    r"|tired of waking up (?:at|in the middle|drenched|sweating|soaked|with|to|every"
    r" (?:night|hour)))\b"
)
# What every idiom holds one of ("kill", "dying ", "hit"...): a sentence
# with none skips the idiom regex, which every sentence would otherwise pay.
_IDIOM_GATES = literal_gates(_IDIOMS.pattern)
# "If my friend says she wants to die, what should I do?": the risk is
# inside a conditional about someone else in an advice question: ask, don't alarm.
_COND_REPORT = re.compile(
    r"\b(?:if|whether|in case) (?:my|a|an|your|our|someone|somebody|anyone|a"
    r" friend|people|he|she|they|the|one of|teens|kids)\b"
    r"(?: \S+){0,4}? (?:say|says|said|tell|tells|told|mention|mentions|mentioned|talk|talks|text|t"
    r"exts|post|posts|write|writes|ever"
    r"|is|are|was|were|seem|seems|start|starts|want|wants|threaten|threatens|have|has|be|become|be"
    r"comes|get|gets|feel|feels|act|acts"
    r"|do|does|did|joke|jokes|hint|hints|admit|admits|confide|confides)\b"
    # Spanish: "si un amigo me dice que se quiere matar", "si mi hijo dijera..."
    r"|\bsi (?:mi|un|una|alguien|algun|alguno|alguna|el|ella|tu|nuestro|nuestra|los|las|veo|ves"
    r"|leo|escucho|oigo|me entero)\b"
    r"(?: \S+){0,4}? (?:(?:me|te|le|nos) )?(?:dice|dijera|dijo|escribe|escribiera|habla|hablara"
    r"|menciona|mencionara|comenta|comentara|publica|publicara|amenaza|amenazara|manda|mandara"
    r"|envia|enviara)\b"
)
_ADVICE = re.compile(
    r"\b(?:what (?:should|do|can|would|to) (?:i|we|you|one|parents)?|how (?:do|can|should|would)"
    r" (?:i|we|you|parents|people)|should i"
    r"|what to do|what are the|what is the|how to|is it (?:normal|ok|okay|true|common)"
    r"|(?:que|q) (?:hago|debo hacer|puedo hacer|hacer|le digo|les digo|se hace|se le dice)"
    r"|como (?:le |lo |la )?(?:ayudo|ayudar|hablo|hablar|pregunto|preguntar|reacciono|actuo|apoyo)"
    r"|es normal|debo preocuparme)\b"
)
# General information questions ("what are the risk factors for overdose?",
# "how do I know if my teen is cutting?"): about a topic, not a person now.
_INFO_QUESTION = re.compile(
    r"^\s*(?:what|how|why|is it|is there|are"
    r" there|are|is|when|should|can|could|do|does|where|which|who|any)\b.*\b(?:signs?|symptoms?"
    r"|risk|risks|common|normal|usual|typical|prevent\w*|support|talk to|say to|tell if|know"
    r" if|tell whether|know whether|recogni[sz]e"
    r"|spot|respond|react|handle|approach|protect|safely|lock"
    r" up|store|statistics|rates?|causes?|happens?|steps|explain|appropriate"
    r"|okay for|ok for|age|teach|lesson|class|curriculum|research|study|studies|why do|why"
    r" does|why would)\b"
    r"|^\s*why\b"  # is_question reads only "why" about people in general
    r"|^\s*¿?\s*(?:como|que|por que|cuales?|cuando|donde|hay|es|son|se puede|puedo|debo|deberia"
    r"|tienen)\b.*\b(?:senales?|sintomas?|riesgos?|comun|normal|prevenir|prevencion|apoyar|ayudar"
    r" a|hablar con|hablarle|decirle|preguntarle|saber si|darme cuenta|reconocer|detectar"
    r"|responder|reaccionar|manejar|acercarme|proteger|guardar|estadisticas|tasas?|causas?|pasos"
    r"|explicar\w*|edad|ensenar\w*|investigacion|estudios?)\b"
)
# Questions named by what they ask about, whatever word they start with
# ("warning signs of suicide in older adults?", "señales de alerta de suicidio?").
_INFO_TOPIC = re.compile(
    r"\b(?:warning signs?|risk factors?|statistics|stats|prevention|awareness|contagion|postvention"
    r"|senales de (?:alerta|advertencia|riesgo)|prevencion|estadisticas|factores de riesgo)\b"
)
# What a term means, how two differ, what is known (session 37): an
# information question when the sentence is a question.
_INFO_TERMS = re.compile(
    r"\b(?:difference between|differences between|(?:link|connection|relationship) between"
    r"|facts about|research on|data on|definition of|diferencia entre|relacion entre|datos sobre)\b"
)
# A named person ("my 13 year old", "my wife"): a question about them is not
# a question about services.
_SPECIFIC_OTHER = re.compile(
    r"\bmy (?:\w+ ){0,2}?(?:son|daughter|kid|kids|child|teen|teenager|friend|mom|mother|dad|father"
    r"|brother|sister|husband|wife"
    r"|partner|boyfriend|girlfriend|bf|gf|roommate|cousin|grandma|grandpa|sponsee|student|client|p"
    r"atient|coworker|co-worker|colleague|neighbou?r|classmate|teammate|aunt|uncle|niece|nephew"
    r"|grandson|granddaughter|spouse|fiancee?|stepson|stepdaughter|sibling"
    r"|\d+ ?(?:year|yr|yo)\w*(?: old)?)\b"
)
# A death already happened to someone else: loss, not a present crisis.
_LOSS = re.compile(
    r"\b(?:killed (?:himself|herself|themselves)|took (?:his|her|their) (?:own )?life|died"
    r" (?:by|of|from) (?:suicide|(?:an? )?(?:\w+ )?overdose)"
    r"|passed (?:away )?(?:by|of|from|due to) (?:suicide|(?:an? )?(?:\w+ )?overdose)"
    r"|committed suicide|overdosed and died|lost (?:\w+ ){0,6}?to (?:suicide|(?:an? )?(?:\w+ )?"
    r"overdoses?)|suicide loss"
    # "our company had an employee die by suicide" (session 39)
    r"|had (?:a|an|one|two|three|\w+) (?:\w+ ){0,3}?(?:die|died|pass away|passed away) (?:by|of"
    r"|from) (?:suicide|(?:an? )?overdose)"
    # Spanish: "murio por suicidio", "perdio a su hermano por sobredosis"
    r"|(?:murio|murieron|fallecio|fallecieron|perdio|perdieron|perdi|perdimos)(?: \S+){0,4} por"
    r" (?:suicidio|(?:una )?sobredosis)"
    # someone's death mourned ("why did my dad have to die", "why did boromir
    # have to die"), session 45
    r"|why did (?!i\b)(?:\w+ ){1,3}have to die|por que (?!yo\b)(?:\w+ ){0,3}tuvo que morir"
    # "se suicidó", "se quitó la vida": someone's death told in the past
    r"|se suicido|se suicidaron|se quito la vida|se quitaron la vida"
    r"|se (?:acaba|acaban) de (?:suicidar|quitar la vida))\b"
)
_LOSS_NOW = re.compile(
    r"\b(?:just|found|right now|tonight|this morning|today|tried|attempted|almost|nearly"
    r"|acaba de|acaban de|acabo de|esta noche|esta manana|ahorita|encontre|encontramos|intento)\b"
)
_JOKING = re.compile(
    r"\b(?:lol|lmao|haha+|jk|just kidding|kidding|ja(?:ja)+j?|jeje+|es broma|no es en serio)\b"
    r"|😂|🤣"
)
# "not kidding", "no joke": the writer insists it is meant, the opposite of a joke.
_INSISTING = re.compile(
    r"\b(?:not|never|no|n't) (?:\w+ )?(?:kidding|joking|joke|jk)\b|\bno es (?:broma|chiste)\b"
    r"|\b(?<!no )(?:lo digo|hablo|es) en serio\b"
)


@dataclass
class MessageFrames:
    """What is true of the whole message (normalised)."""

    norm: str

    @cached_property
    def language(self) -> str:
        return "es" if is_spanish(self.norm) else "en"

    @cached_property
    def joking(self) -> bool:
        return bool(_JOKING.search(_INSISTING.sub(" ", self.norm)))

    @cached_property
    def history(self) -> bool:
        return history.message_is_history(self.norm)

    @cached_property
    def age_now(self) -> int:
        return history.age_now(self.norm)

    @cached_property
    def asks_for_method(self) -> bool:
        return bool(_METHOD_REQUEST.search(self.norm))

    @cached_property
    def sentences(self) -> List[str]:
        return split_sentences(self.norm) or [self.norm]

    @cached_property
    def segments(self) -> List[str]:
        return history.SEGMENT_END.split(self.norm)

    @cached_property
    def sentence_frames(self) -> List["SentenceFrames"]:
        last = len(self.sentences) - 1
        # With the whole text: the message-wide patterns read its lemmas too, and
        # its chunks ("tonight.") differ from the sentences' (one spaCy call, not two).
        prime_lemmas(self.sentences + [self.norm])
        return [
            SentenceFrames(self, SentenceViews.of(s), i == last)
            for i, s in enumerate(self.sentences)
        ]

    @cached_property
    def prefilter(self) -> Prefilter:
        """For the sentences' patterns: what `lexicon.find` searches in each
        sentence (its views joined, and its views read as reported)."""
        return Prefilter(
            "\n".join(views)
            for frames in self.sentence_frames
            for views in (frames.views.views, frames.views.reported)
            if views
        )

    def present_part(self) -> str:
        """The message without the parts told as history."""
        if not self.history:
            return self.norm
        return " ; ".join(
            seg
            for seg in self.segments
            if seg.strip() and not history.told_in_past(seg, self.age_now)
        )


class SentenceFrames:
    """The frames of one sentence (or, for `message:` patterns, of the
    message's present part), computed when a rule first asks."""

    def __init__(self, message: MessageFrames, views: SentenceViews, is_last: bool) -> None:
        self.message = message
        self.views = views
        self.sentence = views.sentence
        self.lemmas = views.lemmas
        self.is_last = is_last

    @cached_property
    def is_question(self) -> bool:
        return (
            _QUESTION_START.search(self.sentence) is not None
            or (self.message.norm.rstrip().endswith("?") and self.is_last)
            # typed as a search ("warning signs suicide teens", session 37)
            or _INFO_TOPIC.match(self.sentence.lstrip()) is not None
        )

    @cached_property
    def service_question(self) -> bool:
        return self.is_question and bool(_SERVICE_WORDS.search(self.sentence))

    @cached_property
    def info_question(self) -> bool:
        asks = (
            _INFO_QUESTION.search(self.sentence)
            or _INFO_TOPIC.search(self.sentence)
            or _INFO_TERMS.search(self.sentence)
        )
        return bool(asks) and self.is_question

    @cached_property
    def first_person(self) -> bool:
        return speaker.speaks_of_self_now(self.sentence, self.lemmas)

    @cached_property
    def idioms(self) -> List[str]:
        if not passes(_IDIOM_GATES, self.sentence):
            return []
        # also in the order the Spanish view reads ("me voy a matar de risa"
        # is matched there as "voy a matarme")
        moved = pronoun_after(self.sentence)
        texts = (self.sentence, moved) if moved != self.sentence else (self.sentence,)
        return [m.group(0) for text in texts for m in _IDIOMS.finditer(text)]

    @cached_property
    def history(self) -> bool:
        # A history frame covers the sentences that are told in the past;
        # "My wife left me last year. I bought a gun and wrote my note."
        # is not history.
        if not self.message.history:
            return False
        return len(self.message.sentences) == 1 or self.told_in_past

    @cached_property
    def told_in_past(self) -> bool:
        """The sentence's part of the message names a remote time or past
        risk, or the part after it dates it (history.told_in_past)."""
        segments = self.message.segments
        at = next((i for i, seg in enumerate(segments) if self.sentence in seg), None)
        segment = segments[at] if at is not None else self.sentence
        following = segments[at + 1] if at is not None and at + 1 < len(segments) else ""
        return history.told_in_past(segment, self.message.age_now, following)

    @cached_property
    def past_event(self) -> bool:
        # "Afterward I started self-harming." in a message told as history
        # by someone stable now (history.told_as_past_event)
        # (English only: its words of the present are English ones)
        return (
            self.message.language == "en"
            and self.message.history
            and history.says_stable(self.message.norm)
            and history.told_as_past_event(self.sentence)
        )

    @cached_property
    def abuse_in_past(self) -> bool:
        # "My uncle molested me when I was ten. I'm forty now.": harm done
        # long ago, told with no sign that the person is in danger now
        # (memories or nightmares coming back are not danger now)
        return self.told_in_past and not history.abuse_now(self.message.norm)

    def negated(self, m: Match) -> bool:
        return any(negated(view, m.text) for view in (m.view, self.lemmas, self.sentence))


Frame = Callable[[SentenceFrames, Match], bool]
FRAMES: Dict[str, Tuple[Frame, str]] = {}


def frame(description: str) -> Callable[[Frame], Frame]:
    """Registers a frame under its function's name, for the rule table."""

    def register(fn: Frame) -> Frame:
        FRAMES[fn.__name__] = (fn, description)
        return fn

    return register


def _says(name: str, description: str, rx: "re.Pattern", whole_message: bool = False) -> Frame:
    """A frame that holds when `rx` is found in the sentence (or anywhere in
    the message)."""

    def says(s: SentenceFrames, m: Match) -> bool:
        return bool(rx.search(s.message.norm if whole_message else s.sentence))

    says.__name__ = name
    return frame(description)(says)


@frame('the match is part of an idiom ("this commute is killing me")')
def idiom(s: SentenceFrames, m: Match) -> bool:
    return any(
        m.text in phrase
        or phrase in m.text
        or " ".join(phrase.split()[:2]) in m.text
        # a match in the lemmas ("want to die" in "i wanted to die")
        or m.text in lemma_text(phrase)
        for phrase in s.idioms
    )


# What a past event told in a history message may be (not a plan, a threat
# or someone else at risk: those keep their own frames).
_PAST_EVENT_KINDS = frozenset(
    {"self_harm", "overdose_medical", "suicidal_explicit", "suicidal_passive", "suicide_word"}
)


@frame(
    "the sentence tells risk as remote history, and the message says so (or harm from"
    " someone long ago, with no sign of danger now)"
)
def told_as_history(s: SentenceFrames, m: Match) -> bool:
    return (
        s.history
        or (m.category in _PAST_EVENT_KINDS and s.past_event)
        or (m.category == "danger_abuse" and s.abuse_in_past)
    )


@frame('a question about services or people in general ("do you treat self-harm?")')
def service_question(s: SentenceFrames, m: Match) -> bool:
    return s.service_question


@frame('the sentence is a question ("...?", "how", "what", "is it")')
def question(s: SentenceFrames, m: Match) -> bool:
    return s.is_question


@frame('a request for a way to do it ("how do you...", "best way to", "tips for")')
def how_to_request(s: SentenceFrames, m: Match) -> bool:
    return any(
        not _HOW_TO_TALK.match(s.sentence, how.end()) for how in _HOW_TO.finditer(s.sentence)
    )


def _surroundings(s: SentenceFrames, m: Match) -> Iterator[Tuple[str, str]]:
    """(text before, text after) the match, in its own view and in the sentence."""
    for view in (m.view, s.sentence):
        at = view.find(m.text)
        if at >= 0:
            yield view[:at], view[at + len(m.text) :]


def _before_match(rx: "re.Pattern", s: SentenceFrames, m: Match) -> bool:
    """`rx` finds what stands just before the match (it ends with "$")."""
    return any(rx.search(before) for before, _ in _surroundings(s, m))


def _preceded_by(name: str, description: str, rx: "re.Pattern") -> Frame:
    """A frame that holds when `rx` finds what stands just before the match."""

    def preceded(s: SentenceFrames, m: Match) -> bool:
        return _before_match(rx, s, m)

    preceded.__name__ = name
    return frame(description)(preceded)


@frame('the match is what a how-to asks for ("how to overdose", "a way to do self-harm")')
def how_to_do_it(s: SentenceFrames, m: Match) -> bool:
    if _HOW_TO.match(m.text):  # the pattern itself is the request ("how do you hang yourself")
        return True
    for before, _ in _surroundings(s, m):
        words = before.split()[-6:]  # "how can i engage in"
        for start in range(len(words)):
            head = " ".join(words[start:])
            found = _HOW_TO.match(head)
            if found and _DOING.issuperset(head[found.end() :].split()):
                return True
    return False


@frame('the match names a subject ("suicide prevention", "suicide rates", "tasas de suicidio")')
def topic_compound(s: SentenceFrames, m: Match) -> bool:
    if m.text in ("suicides", "suicidios"):  # counted deaths, never the writer's
        return True
    return any(
        # "suicide" read inside "suicides"
        (m.text in ("suicide", "suicidio") and after[:1] == "s" and not after[1:2].isalnum())
        or _TOPIC_NOUN_AFTER.match(after)
        or _TOPIC_NOUN_BEFORE.search(before)
        for before, after in _surroundings(s, m)
    )


@frame('the message asks for a method, amount or dose that would kill ("which method is quickest")')
def asks_for_method(s: SentenceFrames, m: Match) -> bool:
    return s.message.asks_for_method


@frame('a general information question ("what are the signs of overdose?")')
def info_question(s: SentenceFrames, m: Match) -> bool:
    return s.info_question


@frame('the writer speaks of themself now ("i feel", "is it normal to want to...")')
def first_person(s: SentenceFrames, m: Match) -> bool:
    return s.first_person


@frame('the sentence is about people in general ("someone", "teens", "patients")')
def generic_subject(s: SentenceFrames, m: Match) -> bool:
    return bool(_GENERIC_SUBJECT.search(s.sentence))


@frame('a named person ("my son") and a match of more than one word')
def names_specific_other(s: SentenceFrames, m: Match) -> bool:
    return bool(_SPECIFIC_OTHER.search(s.sentence)) and len(m.text.split()) > 1


@frame('the match names the writer or "i" governs it ("i want to die")')
def writer(s: SentenceFrames, m: Match) -> bool:
    return speaker.writer(m)


# Someone close, named with a word of the present or of their own words
# ("my son watched a series and now he wants to kill himself", "mi hijo vio
# una serie y dice que se va a matar"): their danger now, not a work's plot.
_CLOSE_OTHER_ES = re.compile(expand(r"\bmis? (?:\w+ )?%REL_ES%s?\b"))
_NOW_OR_SAID = re.compile(
    r"\b(?:now|tonight|today|right now|rn|says|said|told me|tells me|texted|keeps saying|ahora"
    r"|esta noche|hoy|ahorita|dice|dijo|me dijo|me escribio|anda diciendo)\b"
)


@frame('someone close named with a word of now or of their own words ("now he wants to die")')
def other_now(s: SentenceFrames, m: Match) -> bool:
    named = _SPECIFIC_OTHER.search(s.sentence) or _CLOSE_OTHER_ES.search(s.sentence)
    return bool(named) and bool(_NOW_OR_SAID.search(s.sentence))


@frame('the writer\'s wish moved by a work or said without "i" ("made me want to end it all")')
def moved_writer(s: SentenceFrames, m: Match) -> bool:
    return speaker.moved_writer(m)


@frame('the match names the writer\'s own self or body ("my son" is not the writer)')
def writer_strict(s: SentenceFrames, m: Match) -> bool:
    return speaker.writer_strict(m)


@frame("a book, film, song, game, the news...")
def media(s: SentenceFrames, m: Match) -> bool:
    return bool(_MEDIA.search(s.sentence))


# "A suicide attempt" named as an event ("had a suicide attempt at 16",
# "discharged after a suicide attempt"), not one happening now.
_ATTEMPT_NOW = re.compile(
    r"\b(?:just|right now|tonight|this morning|today|currently|about to|going to|gonna|planning"
    r"|am (?:making|having)|in progress)\b"
)


# ...had, made or survived ("from my multiple suicide attempts" does not say
# it is over); Spanish "tuvo un intento de suicidio", "salió tras un intento de"
_ATTEMPT_TOLD = re.compile(
    r"\b(?:had|made|survived|survivor of|hospitalized for)(?: \w+){0,2} $"
    r"|\b(?:tuvo|tuve|tuvimos|tuvieron|ha tenido|he tenido|sobrevivi\w*|(?:salio|alta(?: \w+)?)"
    r" (?:tras|despues de)|historial de|conto|contaba|had|survived)(?: \w+){0,3} intentos? de $"
)


@frame('"a suicide attempt" had, made or survived, with no word of now ("had one at 16")')
def attempt_as_event(s: SentenceFrames, m: Match) -> bool:
    if _ATTEMPT_NOW.search(s.sentence) or not m.text.startswith("suicid"):
        return False
    return any(
        _ATTEMPT_TOLD.search(before)
        and (after.startswith(" attempt") or "attempt" in m.text or m.text == "suicidio")
        for before, after in _surroundings(s, m)
    )


@frame("a book, film, song, the news... named anywhere in the message")
def media_in_message(s: SentenceFrames, m: Match) -> bool:
    return bool(_MEDIA.search(s.message.norm))


@frame('a death that already happened to someone else ("my brother took his life")')
def loss(s: SentenceFrames, m: Match) -> bool:
    return bool(_LOSS.search(s.sentence))


@frame('the loss is happening now ("just", "found", "tonight", "tried")')
def loss_now(s: SentenceFrames, m: Match) -> bool:
    return bool(_LOSS_NOW.search(s.sentence))


# It is happening now ("right now", "tonight", "ahorita"): a child in danger
# asked about as a general question is still a child in danger.
_THIS_MOMENT = (
    r"right now|like now|rn|as we speak|this (?:very )?minute|ahora mismo|ahorita"
    r"|en este momento|en este instante"
)
_HAPPENING_NOW = re.compile(
    rf"\b(?:{_THIS_MOMENT}|now|tonight|currently|at the moment|ahora|esta noche)\b"
)


happening_now = _says(
    "happening_now",
    'the sentence says it is happening now ("right now", "tonight", "ahorita")',
    _HAPPENING_NOW,
)


# This very moment, in the question itself ("when the urge to cut is really
# strong, like right now, what do people do?"): the asker's danger now.
_RIGHT_NOW = re.compile(rf"\b(?:{_THIS_MOMENT})\b")


right_now = _says(
    "right_now", 'the sentence says this very moment ("like right now", "ahora mismo")', _RIGHT_NOW
)


@frame('the message jokes ("lol", "jk", a laughing emoji)')
def joking(s: SentenceFrames, m: Match) -> bool:
    return s.message.joking


@frame('the sentence names the writer\'s own life ("myself", "my life")')
def names_own_life(s: SentenceFrames, m: Match) -> bool:
    return speaker.first_person_self(s.sentence)


# "is that self harm?", "would this count as self-harm": the question is
# about what the writer has just told, not about a subject.
_REFERS_BACK = re.compile(
    r"\b(?:is|was|would|does|could) (?:that|this|it|what i do|what im doing)"
    r"(?: (?:be|still|really|actually|even))?"
    r"(?: (?:count|counts|considered|called|seen) (?:as )?)?\s*$"
)


refers_back = _preceded_by(
    "refers_back",
    'the question asks whether what the writer told is it ("is that self-harm?")',
    _REFERS_BACK,
)


# Someone else's risk told with word that they are safe now ("she's doing
# great now", "he's 3 years clean", "it was a joke", "ya está bien"), and
# nothing of danger now (session 37: worried third parties, blind data).
# Their own word that they are fine ("he says he's fine") is no such word:
# people at risk say it too, and an overdose can feel fine for hours.
_OTHER_SAFE_NOW = re.compile(
    r"\b(?:(?:she|he|they|shes|hes|theyre)(?:'s|'re| is| are| has been| have been)?"
    r" (?:(?!seems?|looks?|says?|said|claims?|acts?|not)\w+ ){0,3}?(?:fine|okay|ok|safe|sober|clean"
    r"|happier|doing (?:(?:so|really|very|much|so much|a lot|way) )?(?:well|better"
    r"|great|good|fine|amazing|ok|okay)|in (?:therapy|treatment|recovery)"
    # back from the hospital and to a life (session 38: "he's home now",
    # "she's back at school", "she's been much brighter since")
    r"|home now|back (?:home|(?:at|to|in) (?:work|school|college|class)|on the team)|thriving"
    r"|stable|(?:much |so much |a lot )?(?:better|brighter|steadier|calmer) since)"
    r"|(?:nobody|no one) (?:was |got )?hurt"
    r"|(?:has|hasnt|have|havent)(?:n't| not)? (?:done it|cut|used|relapsed|hurt \w+)"
    r" (?:in|since|for)"
    r"|(?:it was|was just|just|only) (?:a )?jok\w*"
    r"|(?:was|were) (?:just )?(?:joking|kidding|laughing)"
    # a remark explained as slang ("she said its just slang", session 40)
    r"|(?:its|it is|it was|was|is) (?:just|only) (?:slang|a saying|an expression|how (?:they|kids"
    r"|teens|we) talk)"
    # "bien" alone, not "bien mareado" (very dizzy)
    r"|(?:esta|anda|sigue) (?:muy |mucho |ya )?(?:bien(?=\s*(?:[.,!;)]|$| y | ya | gracias))"
    r"|mejor|tranquil[oa]|content[oa]|a salvo"
    r"|limpi[oa]|en (?:terapia|tratamiento)|en (?:la |su )?casa|estable)|ya no (?:toma|usa|se corta"
    r"|lo hace)|ya (?:salio|le dieron de alta)|(?:fue|es) (?:una |puro |pura )?(?:broma|comentario"
    r"|chiste)|(?:se )?estaba (?:bromeando|jugando|riendo)|se (?:reia|rio)"
    r"|(?:es|era) (?:pura |puro |solo |nomas )?(?:jerga|forma de hablar|su forma de hablar))\b"
)
# a claim of the person at risk, a negation, or a "but" after it
_NOT_SAFE_WORD_BEFORE = re.compile(
    r"\b(?:says?|said|claims?|insists?|swears?|promises?|tells? (?:me|us|everyone)|told (?:me|us)"
    r"|seems?|looks?|acts?|dice|dijo|asegura|jura|no|not|isnt|isn't|wasnt|wasn't)\W+(?:\w+\W+){0,2}$"
)
# (in the same sentence: "she's fine. but my counselor said..." is about something else)
_NOT_SAFE_WORD_AFTER = re.compile(
    r"^[^\w.!?;]*(?:\w+[^\w.!?;]+){0,3}?(?:but|pero|though|yet|not|no)\b"
)
_OTHER_DANGER_NOW = re.compile(
    r"\b(?:right now|rn|tonight|today|earlier|last night|yesterday|this morning|anoche"
    r"|esta manana|(?:minutes?|hours?|an hour) ago|won'?t (?:answer"
    r"|pick up|respond)|not (?:answering|responding|home|fine|okay|ok)|can'?t (?:reach|wake|find)"
    r"|(?:is|are|keeps?) (?:going|gonna|planning) to|keeps? (?:saying|texting|telling|talking"
    r"|posting|joking)|a lot lately|just (?:took|posted|texted|sent|swallowed|left|said|found)"
    r"|goodbye|ahorita|esta noche|hoy|ayer|antier|hace (?:una|un|media|\w+) (?:hora|horas|rato"
    r"|minutos)|ahora mismo|no contesta|no responde|no esta bien|sigue diciendo|se va a|va a)\b"
)


def _safe_word(text: str, after: int) -> Optional[int]:
    """Where the last word that they are safe now ends, told after the risk."""
    ends = [
        found.end()
        for found in _OTHER_SAFE_NOW.finditer(text)
        if found.start() >= after
        and not _NOT_SAFE_WORD_BEFORE.search(text[max(0, found.start() - 40) : found.start()])
        and not _NOT_SAFE_WORD_AFTER.match(text[found.end() : found.end() + 30])
    ]
    return ends[-1] if ends else None


def _risk_told_after(s: "SentenceFrames", at: int) -> bool:
    """Any risk pattern in a sentence after `at` ("she's been okay since.
    she just called me from the bathtub with a razor")."""
    text = s.message.norm
    return any(
        text.find(other.sentence) >= at
        and any(
            lexicon.find(
                kind, other.views.views, other.views.sentence, prefilter=s.message.prefilter
            )
            for kind in ("strong", "topic", "ambiguous")
        )
        for other in s.message.sentence_frames
    )


# The risk told as something that happened or was said ("he said", "she
# tried", "overdosed last spring"), not an intent ("he will shoot himself
# if I leave", "she has a plan"): being in therapy says nothing of that.
_TOLD_AS_PAST = re.compile(
    r"\b(?:said|told|\w+ed|had|was|were|did|tried|took|used to|went|got|beat|scars|old"
    r"|history of|ago|last (?:week|month"
    r"|year|spring|summer|fall|winter)|dijo|grito|comento|tuvo|intento|tomo|amenazo|trato|escribio"
    r"|publico"
    r"|posteo|mando|puso|estuvo|hace \w+ (?:anos|meses|semanas)"
    r"|(?:el|la) (?:mes|ano|semana) pasad[oa])\b"
)
# Quote marks after normalise(), which has already made the single curly ones "'".
_QUOTES = "'\"“”"
_QUOTE_MARK = re.compile(f"[{_QUOTES}]")
_INTENT_NOW = re.compile(
    r"\b(?:will|(?<!did not )wants? to|has a plan|have a plan|is going to|are going to|gonna|keeps?"
    r"|plans? to|intends? to|threatens?|threatening|threatened to +(?:\S+ +){0,6}if|quiere|va a"
    r"|tiene un plan|planea)\b"
)


# ...but a plan in their words is one ("he wrote 'i am going to kill myself'").
_PLAN_QUOTED = re.compile(r"\b(?:going to|gonna|will|voy a|plan\w*|tonight|esta noche)\b")


def _risk_words_apart(sentence: str, risk: str) -> Tuple[str, str]:
    """(the sentence without the risk's own words or the quote that holds
    them, those words): "he wrote 'i want to kill myself'" tells no intent
    beside them."""
    at = sentence.find(risk)
    if at < 0:
        return sentence, risk
    end = at + len(risk)
    opened = [q.start() for q in _QUOTE_MARK.finditer(sentence, 0, at)]
    closed = _QUOTE_MARK.search(sentence, end)
    if opened and closed:
        at, end = opened[-1], closed.end()
    return sentence[:at] + " " + sentence[end:], sentence[at:end]


@frame("someone else's risk, then word they are safe now (\"she's doing great now\")")
def other_safe_now(s: SentenceFrames, m: Match) -> bool:
    text = s.message.norm
    if _OTHER_DANGER_NOW.search(text):
        return False
    beside, words = _risk_words_apart(s.sentence, m.text)
    if _INTENT_NOW.search(beside) or _PLAN_QUOTED.search(words):
        return False
    if not _TOLD_AS_PAST.search(s.sentence):
        return False
    start = max(text.find(s.sentence), 0)
    at = s.sentence.find(m.text)
    safe_end = _safe_word(text, start + max(at, 0))
    return safe_end is not None and not _risk_told_after(s, safe_end)


# Someone else's words quoted ("my son wrote 'I want to kill myself' on a
# worksheet", "mi hijo posteó 'i wanna die lol'"): the "I" inside the quote is
# theirs, not the writer's (session 38).
_QUOTED_OTHER = re.compile(
    r"\b(?:he|she|they|(?:my|our|his|her|their|the|a|mi|su|el|la) \w+)(?: \w+){0,2}?"
    r" (?:said|says|wrote|writes|texted|posted|typed|yelled|screamed|shouted|put|dijo|escribio"
    r"|posteo|publico|mando|grito|puso)(?: (?:that|on|in|to me|me|que|en) (?:\S+ ){0,3}?)?"
    rf" ?[{_QUOTES}]\W*(?:\S+ ){{0,3}}$"
)


quoted_other = _preceded_by(
    "quoted_other",
    "the match is inside someone else's words quoted (\"he wrote 'I want to die'\")",
    _QUOTED_OTHER,
)


# Words quoted from a meme, a song or a saying ("the meme 'i want to die' is
# everywhere", "un corrido que dice 'me quiero morir en la troca'"): the "I"
# inside the quote is the song's or the meme's (session 45).
_QUOTED_SAYING = re.compile(
    r"\b(?:memes?|songs?|lyrics?|trend|tiktok|phrase|expression|catchphrase"
    r"|corridos?|cancion|canciones|letra|frase|dicho|rola|tendencia)\b(?: \S+){0,4}?"
    rf" ?[{_QUOTES}]\W*(?:\S+ ){{0,3}}$"
)


quoted_saying = _preceded_by(
    "quoted_saying",
    "the match is inside words quoted from a meme, a song or a saying",
    _QUOTED_SAYING,
)


# The message says the writer asks for study ("for my psych paper", "estoy
# investigando"), session 37. Not a professional's role: a case manager or a
# nurse writes about a client in danger now.
_STUDY = re.compile(
    r"\b(?:for (?:my|a|our|the) (?:\w+ ){0,2}(?:paper|essay|presentation|report|thesis|grant"
    r"|debate|curriculum)|study guide"
    r"|(?:doing|writing|giving|planning) (?:a|an|my|our) (?:\w+ ){0,2}(?:paper|presentation|report"
    r"|research|debate)"
    r"|(?:para|de) (?:la|mi|una) (?:\w+ )?(?:presentacion|investigacion)|estoy investigando)\b"
)


for_study = _says(
    "for_study",
    'the message says the writer asks for study ("for my sociology paper")',
    _STUDY,
    whole_message=True,
)


# The message asks for teaching on the subject for a group: a training, a
# talk, a workshop, materials or a curriculum ("trainings on suicide calls
# for dispatchers", "un taller sobre depresión y suicidio para la
# comunidad"), session 44. A referral of one client is not such a request.
_TRAINING = re.compile(
    r"\b(?:trainings?|workshops?|curricul(?:um|a)|in-?service|(?:give|do|host|run|offer)"
    r" (?:a |any )?(?:talk|presentation|session)s?|speakers?|handouts|brochures|flyers|pamphlets"
    r"|posters|(?:resources|materials?) (?:for|to (?:share with|hand|give)) (?:our|my|the)"
    r" (?:\w+ )?(?:staff|students|members|team|employees|teachers|parents|congregation|community"
    r"|class|classroom|cast|families|residents|volunteers|officers|nurses|dispatchers)"
    r"|capacitacion(?:es)?|talleres?|charlas?|platicas?|folletos?|volantes|material (?:en espanol"
    r"|para))\b"
)


for_training = _says(
    "for_training",
    'the message asks for a training, talk or materials for a group ("a workshop for staff")',
    _TRAINING,
    whole_message=True,
)


# Whether one must be at risk to reach a crisis line ("do I have to be
# suicidal to call 988?", "can I text them if I'm not suicidal", "¿tengo que
# estar a punto de suicidarme para llamar?"): a question about the line
# (session 44).
_LINE = (
    r"(?:988|the (?:line|lifeline|hotline|crisis line)|a (?:crisis )?(?:line|hotline)|them|it|you)"
)
_WHO_MAY_CALL = re.compile(
    r"\b(?:do|does|would|will) (?:i|you|someone|somebody|one|a person|people|they) (?:have to"
    r"|need to|gotta|got to|must|really need to) (?:be|feel|have|want) (?:\S+ ){0,4}?(?:to|before"
    r" (?:i|you|they)) (?:call|text|use|contact|reach|talk to|chat with)\b"
    r"|\b(?:can|could|may|should) (?:i|you|someone|one|we) (?:still )?(?:call|text|use|contact"
    rf"|reach out to|chat with) {_LINE}(?: \S+){{0,3}}? (?:if|even if|when|though|although)"
    r" (?:i|you|they|he|she) (?:am|are|is|be|do|does|feel|have)? ?not (?:suicidal|in crisis|in"
    r" danger|going to|planning|thinking|having|that bad)\b"
    r"|\bnot (?:suicidal|in crisis|bad|sick|serious) enough\b"
    r"|\b(?:tengo|tiene|tienes|hay) (?:que|q) (?:estar|tener|ser|sentir\w*|querer) (?:\S+ ){0,4}?"
    r"(?:para|pa) (?:llamar|marcar|escribir|hablar|usar|contactar)\b"
    r"|\b(?:puedo|puede|podemos|se puede) (?:llamar|marcar|escribir)(?: \S+){0,4}? (?:aunque|si)"
    r" no\b"
)


@frame(
    "the sentence asks whether one must be at risk to reach a crisis line"
    ' ("do I have to be suicidal to call?")'
)
def asks_who_may_call(s: SentenceFrames, m: Match) -> bool:
    return bool(_WHO_MAY_CALL.search(s.sentence))


# The writer asks how to help or talk to someone, and the risk words say who
# ("what do i say to someone who says they want to kill themselves", "how to
# talk to a suicidal person", "cómo le pregunto si está pensando en
# suicidarse"): a helper asking for guidance (session 39).
_SAY_TO = re.compile(
    r"\b(?:what (?:do|should|can|would) (?:i|we|you) (?:say|text|tell|write)|(?:things|words|what)"
    r" to (?:say|text|tell|write)|script for|(?:como|que|q) (?:le |les |lo |la )?(?:ayudo|ayudar"
    r"|hablo|hablar|apoyo|apoyar|pregunto|preguntar|acerco|digo|decimos|respondo|contesto))\b"
)
_PERSON = re.compile(
    r"\b(?:someone|somebody|anyone|a person|people|friends?|(?:a|an|my|our|your|the) \w+|him|her"
    r"|them|kids|teens|students|alguien|una? \w+|mis? \w+|sus? \w+|personas?|le|lo|la)\b"
)
# ...about someone in danger now or lately ("who tried last night"): handed off.
_RECENT = re.compile(
    r"\b(?:last night|yesterday|this morning|today|earlier|just|anoche|ayer|hoy|acaba de)\b"
)
# ...or anywhere in the message, within hours ("he told me an hour ago",
# "tonight", "hace una hora"): a question about someone said to be in danger
# lately is not a general one.
_LATELY = re.compile(
    r"\b(?:last night|this morning|tonight|right now|(?:an?|one|two|few|couple(?: of)?|\d+)"
    r" (?:minutes?|mins?|hours?|hrs?) ago|hace (?:una?|unos?|\d+|pocos?) (?:minutos?|horas?)"
    r"|anoche|esta noche|esta manana|ahorita|ahora mismo)\b"
)


def _help_asked(before: str, person: str) -> bool:
    """`before` asks how to help or talk to someone, and from there on to
    the end of `person` (`before`, the match and what follows) names them."""
    starts = [
        how.end() for how in _HOW_TO.finditer(before) if _HOW_TO_TALK.match(before, how.end())
    ]
    # ("cómo le pregunto": the pronoun is the person)
    starts += [said.start() for said in _SAY_TO.finditer(before)]
    return any(_PERSON.search(person, start) for start in starts)


@frame("the writer asks how to help or talk to someone the risk words describe")
def helping_other(s: SentenceFrames, m: Match) -> bool:
    if _RECENT.search(s.sentence) or _HAPPENING_NOW.search(s.sentence) or said_lately(s, m):
        return False
    return any(
        _help_asked(before, before + m.text + after[:20]) for before, after in _surroundings(s, m)
    )


@frame('the message says it was said or happened within hours ("an hour ago", "tonight")')
def said_lately(s: SentenceFrames, m: Match) -> bool:
    # ("how do i help someone who wants to die" asked tonight is still general)
    return bool(_LATELY.search(s.message.norm)) and not generic_subject(s, m)


# "mine are getting worse", "my arms": the writer's own body, without "i";
# "i did both this week": something the writer did lately
_OWN_BODY = re.compile(
    r"\b(?:mine|my (?:own )?(?:arms?|legs?|thighs?|wrists?|skin|cuts|scars|marks|burns|body"
    r"|stomach|hips?)|mis (?:brazos|piernas|cortadas|cortes|cicatrices|munecas))\b"
    r"|\bi\b.*\b(?:today|tonight|this week|last night|yesterday|right now|again|every (?:day|night)"
    r"|lately|hoy|anoche|ayer|esta semana|otra vez|todos los dias|cada noche)\b"
)


# "I'm a middle school teacher": who the writer is, not how they are
_ROLE_INTRO = re.compile(
    r"^\s*(?:hi,? |hello,? )?(?:i'?m|i am|im|i work as) (?:a|an) (?:\w+ ){0,3}?(?:teacher|nurse"
    r"|doctor|physician|counselor|social worker|case manager|pastor|therapist|paramedic|emt"
    r"|dispatcher|chaplain|principal|coach|librarian|psychologist|student|parent|mom|dad"
    r"|grandparent|manager|director|volunteer|aide|worker)s?\b[^,;]*$"
)


@frame("another sentence has the writer speak of themself now, or the message names their body")
def writer_elsewhere(s: SentenceFrames, m: Match) -> bool:
    return bool(_OWN_BODY.search(s.message.norm)) or any(
        other.first_person and not _ROLE_INTRO.match(other.sentence)
        for other in s.message.sentence_frames
        if other is not s
    )


@frame('a hypothetical ("what if", "if i ever", "in case")')
def hypothetical(s: SentenceFrames, m: Match) -> bool:
    return bool(_HYPOTHETICAL.search(s.sentence))


@frame("a conditional about someone else in a question or advice request")
def conditional_report(s: SentenceFrames, m: Match) -> bool:
    return bool(_COND_REPORT.search(s.sentence)) and (
        s.is_question or bool(_ADVICE.search(s.sentence))
    )


# Strong feelings felt in the body ("so angry i am shaking", "i wake up at
# 4am with my heart pounding"): the message-wide overdose patterns pair any
# "did", "had" or "took" with a symptom anywhere after it, so long messages
# about anger, panic or stress matched them. A substance named anywhere in the
# match keeps it a crisis ("took a bunch of pills, so scared my heart is racing").
_FEELING = re.compile(
    r"\b(?:angry|angrier|furious|mad|livid|rage|enraged|scared|terrified|afraid|frightened"
    r"|nervous|anxious|anxiety|panic\w*|upset|stressed|stress|crying|cried|sobbing"
    r"|adrenaline|shock|wake|waking|woke|woken|wakes|when i see|when i think)\b"
)
_SUBSTANCE = re.compile(
    expand(
        r"\b(?:%DRUG%|%OPIOID%|%SEDATIVE%|%ALCOHOL%|drugs?|drank|drink\w*|drunk|high|coke|meth"
        r"|snort\w*|smok\w*|inject\w*|swallow\w*|popped|ate|edibles?|gumm\w*|weed|molly|acid"
        r"|shrooms|mdma|ecstasy|overdos\w*|something|too (?:much|many)|a lot of|a bunch of"
        r"|doses?|shots?|lines?|bottles?)\b"
    )
)


@frame('a symptom said as a feeling ("so angry i am shaking"), no substance named')
def feeling_symptom(s: SentenceFrames, m: Match) -> bool:
    symptom_clause = re.split(r"[.!?;]", m.text)[-1]
    return bool(_FEELING.search(symptom_clause)) and not _SUBSTANCE.search(m.text)


# Breath taken by a feeling ("so stressed i can't breathe", a panic attack
# told as "my heart races, i can't breathe"): the writer's own breath, a
# feeling in the sentence or a panic or anxiety attack in the message,
# nothing taken, nobody else in the sentence, and no sign of a body in danger
# (chest pain, asthma, a throat or neck, smoke, fainting, turning blue).
_BREATH_FEELING = re.compile(
    r"\b(?:sad|overwhelmed|heartbroken|devastated|grief|grieving|(?:panic|anxiety) attacks?)\b"
)
_PANIC = re.compile(r"\b(?:panic|anxiety) attacks?\b|\bpanick\w*")
_SOMEONE_ELSE = re.compile(
    expand(r"\b(?:he|she|they|%PERSON%|his|their|is not|not breathing|stopped breathing)\b")
)
_BODY_IN_DANGER = re.compile(
    r"\b(?:chest (?:pain|pains|hurts?|hurting|pressure|crushing)|crushing|asthma|inhaler"
    r"|allerg\w*|swell\w*|sting|stung|throat|neck|chok\w*|strangl\w*|smother\w*|smoke|fire"
    r"|gas|fumes|blue|faint\w*|pass(?:ed|ing)? out|collaps\w*|unconscious|bleed\w*|blood"
    r"|left arm|seizure\w*|911|ambulance|er now|hospital now)\b"
)


# "i" just before the breath ("so angry at my ex i can barely breathe"):
# the writer's own breath, whoever else the sentence names.
_WRITER_BREATHES = re.compile(r"\bi (?:\S+ ){0,2}$")


@frame("the writer's breath taken by a feeling (\"so stressed i can't breathe\"), nothing taken")
def breath_of_feeling(s: SentenceFrames, m: Match) -> bool:
    message = s.message.norm
    return (
        "breath" in m.text
        and bool(
            _FEELING.search(s.sentence)
            or _BREATH_FEELING.search(s.sentence)
            or _PANIC.search(message)
        )
        and (
            not _SOMEONE_ELSE.search(s.sentence)
            or any(_WRITER_BREATHES.search(before) for before, _ in _surroundings(s, m))
        )
        and not _SUBSTANCE.search(message)
        and not _BODY_IN_DANGER.search(message)
    )


# An injury told as an everyday accident ("burned my hand on the grill",
# "me corté cocinando"), or pills counted as a daily regimen ("she takes 11
# pills a day"): not self-harm nor an overdose. Pills taken "by accident" are
# still an overdose; a tool of self-harm, a voice, or an accident pretended
# anywhere in the message keeps the match.
_ACCIDENT = re.compile(
    r"\b(?:on (?:the|a) (?:grill|stove|oven|pan|iron|stovetop|burner|radiator|exhaust|muffler|bbq"
    r"|campfire|kettle)|grabbing|cooking|baking|ironing|while (?:cooking|baking|shaving|chopping"
    r"|cutting)|chopping|slicing|(?:by|an|total|freak|kitchen) accident|accidentally|tripped"
    r"|slipped|fell (?:off|down|on|over)|a (?:\w+ )?fall\b|bumped|opening (?:a|the) (?:can"
    r"|package|box|jar)|steam burn|sunburn\w*|cocinando|picando|sin querer|me cai|con una lata"
    r"|abriendo una|planchando)\b"
)
_NOT_AN_ACCIDENT = re.compile(
    r"\b(?:on purpose|purposely|deliberately|intentionally|to feel|punish\w*|urges?|relaps\w*"
    r"|lighters?|cigarettes?|razors?|blades?|compass|sharpener|curling iron|hot metal|pretend\w*"
    # ("keep" of doing it again, not "can i keep working with a burn")
    r"|not (?:an|a real) accident|voices?|told me to|tells me to|again"
    r"|keep(?! (?:working|going|cooking|it (?:clean|covered|dry)|the bandage))|kept(?! working)"
    r"|every (?:day|time"
    r"|night)|times|heated|heat (?:it )?up|with something|hot (?:knife|spoon|metal|coin|key|wire"
    r"|needle)|a proposito|adrede|las voces)\b"
)
_DAILY = re.compile(
    r"\b(?:\d+|several|many|a lot of) (?:different )?(?:pills|medications|meds|medicines"
    r"|prescriptions|pastillas|medicamentos)\b(?: \S+){0,2}? (?:a|per|each|every|al|por)"
    r" (?:day|dia)"
    # a regimen someone is on ("she takes about 12 medications"), not pills taken
    r"|\b(?:takes|is on|are on|prescribed)(?: like| about| around| over)? (?:\d+|several|many)"
    r" (?:different )?(?:medications|prescriptions|medicamentos|meds)\b"
)


@frame('an injury told as an everyday accident ("burned my hand on the grill")')
def everyday_accident(s: SentenceFrames, m: Match) -> bool:
    return bool(_ACCIDENT.search(s.sentence)) and not _NOT_AN_ACCIDENT.search(s.message.norm)


@frame('pills counted as a daily regimen ("she takes 11 pills a day")')
def daily_regimen(s: SentenceFrames, m: Match) -> bool:
    return bool(_DAILY.search(s.sentence))


# Risk named as what someone asked or feared ("my doctor asked if I'm
# suicidal", "my mom thinks I'm going to hurt myself"), and answered no later
# in the message ("I said no", "I'm not", "he denied it"): a report of a
# screening, asked about rather than handed off. Answered yes, it is a
# hand-off (asked_and_confirmed); with no answer, the other rules decide.
_OTHER = r"(?:he|she|they|everyone|everybody|people|(?:my|our|his|her) \w+(?: \w+)?)"
_STATE = r"(?:is |are |was |were |be |keeps |got |gets )?"
_FEARED = r"(?:think|thinks|thought|worried|worries|scared|afraid|convinced|assume\w*)"
_ASKED = re.compile(
    r"\b(?:(?:ask|asks|asked|asking|check\w*|screen\w*|quiz|form|question)\b(?: \S+){0,4}"
    rf" (?:if|whether|about|asks)|{_OTHER} {_STATE}(?:{_FEARED}|freak\w* out|panic\w*)"
    r"(?: that)? (?:i|he|she|they|you)(?: \S+){0,2}"
    r" (?:am|is|are|was|were|be|might|will|would|could|wanted|want|wants|meant|looked)"
    r"|pregunt\w*(?: \S+){0,3} si)\b"
    # the match itself says what they think ("my mom thinks" + "i am suicidal")
    rf"|{_OTHER} {_STATE}{_FEARED}(?: that)?\s*$"
)
# The words between the question and the match are its answer ("asked him
# about it and he said he's tired of being alive"): not a denial.
_ANSWER = re.compile(r"\b(?:said|says|say|told|tells|answered|replied|dijo|contesto)\b")
_ANSWERED_NO = re.compile(
    r"\b(?:(?:i|he|she|they|we) (?:said|says|say|keep saying|kept saying|answered|told \S+"
    r"|promised)"
    r"(?: (?:absolutely|of course|god|that|it|honestly|just|he|she|i|is|was|am|be))?"
    r" (?:no|nope|never|not|not really)\b(?! (?:know|sure|certain|be sure))"
    r"|(?:i|he|she|they) (?:am|is|are|was|be|were) not\b(?! (?:sure|okay|ok|fine|well|good|certain"
    r"|safe|doing|lying|going to lie|kidding|joking))|(?:he|she|i) denie[sd]"
    r"|not suicidal|(?:le|les) dije (?:que|q) no|dijo (?:que|q) no|y es verdad|no,? no\b"
    # Spanish: "...si me queria matar y no, nunca lo he pensado"
    r"|^\W*(?:y |pero )?no\b(?!\W*(?:contest|respond|dij|quis|quier|sab|se|pud|me|le))"
    r"|nunca lo (?:he|habia) pensado"
    r"|(?:i|he|she|they) (?:do|does|did) not (?:mean|think)|i never|i have never"
    r"|(?:it|that) (?:was|is) (?:a joke|just an expression|an expression|not (?:that|what))"
    r"|(?:it is|it was|was) not (?:that|a suicide|literal)|not literally"
    r"|i meant (?!it\b|that\b|every))"
)


# ...and answered yes ("she asked if I was thinking of killing myself. I am"):
# a crisis, whatever the "if" of the question says.
_ANSWERED_YES = re.compile(
    r"\b(?:(?:i|he|she|they) (?:said|says|say|answered|answer|told \S+|tell \S+|admitted|admit"
    r"|nodded|nod)(?: \S+)?"
    r" (?:yes|yeah|yep|yea|that (?:i|he|she) (?:am|is|was|do|does|did|had|has))\b"
    r"|^\W*(?:yes|yeah|yep|honestly yes|the truth is yes)\b"
    r"|^\W*(?:i am|i do|i did|i have|i was)\W*$)"
)


def _answer(s: SentenceFrames, m: Match) -> Optional[str]:
    """What follows a question someone asked about the match (the rest of the
    sentence and the next two), or None when the match is not what was asked."""
    before, after = next(_surroundings(s, m), ("", ""))
    before = " ".join(before.split()[-10:])
    asked = _ASKED.search(before)
    if not asked or _ANSWER.search(before[asked.end() :]):
        return None
    sentences = s.message.sentences
    here = sentences.index(s.sentence) if s.sentence in sentences else len(sentences)
    return " ; ".join([after] + sentences[here + 1 : here + 3])


def _says_yes(answer: str) -> bool:
    return any(_ANSWERED_YES.search(part.strip()) for part in answer.split(" ; "))


@frame(
    'risk named as what someone asked or feared, answered no ("asked if I\'m suicidal; I said no")'
)
def asked_and_denied(s: SentenceFrames, m: Match) -> bool:
    answer = _answer(s, m)
    return answer is not None and bool(_ANSWERED_NO.search(answer)) and not _says_yes(answer)


# Risk words the writer reports having said or written ("I said I wanted to
# die because of my algebra test"), in a message that says how it was meant
# or how others took it ("my mom freaked out", "I meant the party"): asked
# about, not handed off. A sentence that says it now is read on its own.
_SAID_BEFORE = re.compile(
    r"\b(?:i|i just|i only) (?:said|say|told (?:\w+ ){0,3}|wrote|texted|typed|posted|joked"
    r"|put)(?: (?:that|like|to \w+(?: \w+)?|in my \w+|on my \w+|something like))?\W*(?:\S+ ){0,3}"
    # a quote opened just before the words ("le dije a mi terapeuta 'me quiero...")
    rf"(?:[{_QUOTES}]\S+ )?[{_QUOTES}]?$"
    # Spanish: "escribí", "dije", "puse", "lo de '...'", "cuando digo que"
    r"|\b(?:(?:te |le |les )?(?:escribi|dije|puse|publique|postee|mande)|lo de|cuando (?:digo|dije"
    rf"|escribo|pongo))(?: (?:que|q|en mi \w+|en \w+))?\W*(?:\S+ ){{0,3}}(?:[{_QUOTES}]\S+ )?"
    rf"[{_QUOTES}]?$"
)
_EXPLAINED = re.compile(
    r"\b(?:freak\w* out|panick\w*|overreact\w*|made me (?:take|do|see|talk)"
    r"|meaning (?:the|my|this|that|a|an)|i (?:just |only )?meant (?:the|my|this|that|a|an|i|it as)"
    r"|i mean (?:the|my|this|that)|(?:did|do) not mean (?:it|that)"
    r"|not (?:literally|my life|like that|in that way)|figure of speech|as a joke"
    r"|(?<!thought )(?<!thinks )(?<!think )i (?:was|am) (?:just )?(?:joking|kidding|venting)"
    r"|an expression|reported (?:it|me)|safety (?:assessment|check)|a big deal"
    r"|out of proportion|almost sent|took it (?:seriously|wrong|the wrong way)"
    r"|era (?:por|x|del|de la|de mi|en sentido)|me refiero a|no (?:de|a) la vida|en sentido"
    r" (?:de|figurado)|no (?:lo )?(?:decia|dije|digo) en serio|no se preocupen|era (?:broma|un"
    r" chiste))\b"
)
# ...unless the message says it was meant ("and I meant it", "I wasn't joking").
_MEANT_IT = re.compile(
    r"\b(?:i (?:meant|mean) (?:it|every word|what i said)|i (?:was|am) not (?:joking|kidding)"
    r"|(?:not|no) (?:joke|joking|kidding)|dead serious|i (?:really |actually )?do\b(?! not)"
    r"|lo (?:digo|decia|dije) en serio|no (?:es|era) (?:broma|juego))"
)


@frame('risk words the writer said or wrote, explained ("I said I want to die; I meant the exam")')
def said_and_explained(s: SentenceFrames, m: Match) -> bool:
    said = _before_match(_SAID_BEFORE, s, m)
    norm = s.message.norm
    return said and bool(_EXPLAINED.search(norm)) and not _MEANT_IT.search(norm)


@frame('risk someone asked about, answered yes ("she asked if I want to die. I do")')
def asked_and_confirmed(s: SentenceFrames, m: Match) -> bool:
    answer = _answer(s, m)
    return answer is not None and _says_yes(answer)


@frame("a negation governs the match in any view of the sentence")
def negated_anywhere(s: SentenceFrames, m: Match) -> bool:
    return s.negated(m)


@frame("a negation governs the match in the view it was found in")
def negated_where_found(s: SentenceFrames, m: Match) -> bool:
    return negated(m.view, m.text)
