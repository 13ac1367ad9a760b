"""Precise patterns over normalized text, grouped by intent. Each rule has a name for the debug trail."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Rule:
    """A named pattern for one category."""

    name: str
    category: str  # self_harm | medical_emergency | dosing | personal_medical_advice
    pattern: re.Pattern[str]


def _r(name: str, category: str, *alternatives: str) -> Rule:
    return Rule(name, category, re.compile("|".join(f"(?:{a})" for a in alternatives)))


SELF = r"(?:my ?self|myself|my own self)"
OTHER = r"(?:him ?self|her ?self|them ?sel(?:f|ves)|themself)"
FIRST = r"(?:i|im|i am|ive|i have|i was|i have been|i ve|iam|ill|i will|i would|i d)"
SOMEONE = r"(?:my (?:friend|husband|wife|partner|son|daughter|mom|mother|dad|father|brother|sister|boyfriend|" \
          r"girlfriend|roommate|kid|child|teen|cousin|aunt|uncle|grandma|grandpa|patient|client|coworker|neighbou?r)" \
          r"|he|she|they|someone i know|a friend)"
PILLS = r"(?:pills?|lozenges?|troches?|tablets?|meds|medications?|medicine|ketamine|bottle|prescription)"

SELF_HARM = [
    _r("kill_self", "self_harm",
       rf"\b(?:kill(?:ing)?|hurt(?:ing)?|harm(?:ing)?|cut(?:ting)?|shoot(?:ing)?|hang(?:ing)?|poison(?:ing)?|drown(?:ing)?|"
       rf"stab(?:bing)?|burn(?:ing)?|starv(?:e|ing)|unaliv(?:e|ing)|off(?:ing)?|end(?:ing)?|hit(?:ting)?|punch(?:ing)?|"
       rf"yeet(?:ing)?) {SELF}\b(?! (?:laughing|lol|with (?:work|laughter)))",
       rf"\b(?:kill(?:ing)?|hurt(?:ing)?|harm(?:ing)?|cut(?:ting)?|shoot(?:ing)?|hang(?:ing)?|poison(?:ing)?|unaliv(?:e|ing)|"
       rf"off(?:ing)?) {OTHER}\b",
       r"\bkill (?:yourself|urself)\b.{0,60}\b(?:how i feel|i feel|i want|right now)\b",
       r"\bkms\b|\bunaliv(?:e|ing)\b|\bsewer ?slide\b|\bsui thoughts\b|\bsuicidal (?:rn|right now|again|tonight)\b"),
    _r("want_to_die", "self_harm",
       rf"\b{FIRST}\b.{{0,30}}\b(?:want|wanna|going|gonna|plan(?:ning)?|need|ready|trying|decided|wish|wished|rather(?! die than)|'?d like)"
       r" (?:to )?(?:die|be dead|end (?:it|my life|everything|things|this)|commit suicide|not (?:be )?(?:alive|here|exist))",
       r"\b(?:wants?|wanted|going|planning|trying|plans|threatening|threatened|talking about|talks about) to "
       r"(?:die|end (?:his|her|their) (?:life|lives|own life)|kill (?:him|her|them)selves?|commit suicide)",
       r"\bend(?:ing)? (?:it all|my life|my own life|everything)\b|\btake my (?:own )?life\b",
       r"\b(?:commit|committing|attempt(?:ed|ing)?) suicide\b", r"^(?!\W*(?:what|how|is|are|does|do|can|why|which|when|where)\b).*\bsuicide (?:note|plan|attempt)\b"),
    _r("suicidal_first_person", "self_harm",
       rf"\b(?:{FIRST}|feel(?:ing)?|been|am|so|really|very|kinda|pretty) (?:\w+ ){{0,3}}suicidal\b",
       rf"\b{FIRST}\b.{{0,40}}\b(?:suicidal|suicide) (?:thoughts|ideation|feelings|urges)\b",
       rf"\b{FIRST}\b.{{0,40}}\bthoughts? (?:of|about) (?:suicide|killing myself|ending (?:it|my life)|dying)\b",
       rf"\b{SOMEONE}\b.{{0,30}}\b(?:is|seems|sounds|has been|was|feels) (?:\w+ )?suicidal\b"),
    _r("passive_ideation", "self_harm",
       r"\bbetter off (?:without me|dead|if i (?:was|were) (?:gone|dead|not here)|if i (?:died|disappeared))\b",
       r"\b(?:do not|dont|no longer|not) want to (?:live|be alive|exist|wake up|be here|go on|keep living|keep going)\b",
       r"\bwish (?:i|i had) (?:was|were|could) (?:dead|die|disappear|not wake up|sleep forever|never wake up)\b",
       r"\bwish i (?:was|were) never born\b|\bwish i (?:would|could) (?:just )?(?:die|not wake up|disappear)\b",
       r"\b(?:no|nothing left to|no more) (?:reason|point) (?:to|in|of) (?:live|living|going on|being alive|life)\b",
       r"\bwhat is the point (?:of (?:living|life|anything|going on|it all)|anymore)\b",
       r"\b(?:can not|cannot|cant) (?:do this|go on|keep going|take it|live like this)(?: \w+){0,2} (?:anymore|any more)\b",
       r"\btired of (?:living|being alive|life|existing)\b|\bready to (?:give up|go) (?:on (?:life|everything))\b",
       r"\b(?:sleep|go to sleep) (?:forever|and never wake up)\b|\bnever wake up\b|\bnot wake up (?:tomorrow|again)\b",
       r"\b(?:want|wanna) (?:it all|everything|the pain|this) to (?:end|stop) (?:forever|for good|permanently)\b",
       r"\b(?:this is|saying) (?:my )?goodbyes?\b.{0,40}\b(?:forever|everyone|world|last)\b|\bsaid my goodbyes\b",
       r"\b(?:disappear|vanish) forever\b|\bend my (?:pain|suffering) (?:forever|for good|permanently)\b",
       r"\b(?:everyone|everybody|my family|the world|they) (?:would|will|'?d) be (?:better|happier) without me\b",
       r"\bi (?:am|m) (?:done|finished) with (?:life|living|everything|it all)\b|\bi am a burden\b.{0,40}\b(?:gone|die)"),
    _r("plan_or_means", "self_harm",
       rf"\b(?:saving|saved|stockpil\w*|hoard\w*|collect\w*|stash\w*) (?:up )?(?:all )?(?:my |of my )?(?:\w+ )?{PILLS}\b",
       rf"\b(?:take|swallow|taking|swallowing) (?:all|every one) (?:of )?(?:my |the )?{PILLS} (?:at once|tonight|to (?:die|end|sleep))",
       r"\bwrote (?:a|my) (?:suicide |goodbye |last )?(?:note|letter)\b.{0,40}\b(?:goodbye|family|gone|end)",
       r"\b(?:jump|jumping) (?:off|from) (?:a |the |this )?(?:bridge|roof|building|balcony|cliff)\b",
       r"\b(?:bought|have|got|buying) (?:a )?(?:gun|rope)\b.{0,40}\b(?:myself|end|tonight|die)\b"),
    _r("self_harm_act", "self_harm",
       rf"\b{FIRST}\b.{{0,25}}\b(?:cut|cutting|burn(?:ed|ing)?|hurt(?:ing)?|harm(?:ed|ing)?|scratch(?:ed|ing)) (?:myself|my (?:arms?|wrists?|legs?|skin|thighs?))\b",
       rf"\b{FIRST}\b.{{0,25}}\bself ?harm(?:ed|ing)?\b|\b(?:fresh|new) cuts\b|\brelapsed? (?:on|into) (?:self ?harm|cutting)\b",
       r"\b(?:urge|urges|want|wanna) to (?:cut|hurt|harm|burn) (?:myself|again)\b"),
    _r("ideation_more", "self_harm",
       r"\b(?:i|im|i m|i am|i ve|been|keep|kept|my|constantly|always)\b.{0,15}\b(?:thinking|think|thoughts?|thought) "
       r"(?:about|of) (?:killing|hurting|harming|ending|cutting|dying|jumping|suicide)\b.{0,40}\b(?:myself|it|things|my life|scares|want|again|constantly|louder|listen|tonight|right now)?",
       # any spelling of "suicide/suicidal" from someone speaking about themselves, not asking about the topic
       r"^(?!\W*(?:what|how|does|do|is|are|can|could|why|which|when|where|who|will|would|should|la|el|que|quien)\b)"
       r"(?=.*\b(?:i|im|me|my|mine|myself)\b).*\bs[uo]+[aeiy]*[cs]+[aeiy]*d(?:e|al|le|ial)\b",
       r"\bs[uo]+[aeiy]*[cs]+[aeiy]*d(?:e|al|le|ial)\b(?: \w+)?.{0,12}\b(?:again|rn|right now|tonight|and scared|"
       r"are back|is the only|feels like the only|won t stop|will not stop)\b",
       r"\b(?:end|ending|end all) (?:it|things|everything|it all)\b(?! (?:with|early|by|on a|after))",
       r"\b(?:if i (?:was|were) gone|i will be gone|i ll be gone|be gone soon|not (?:be|gonna be) (?:here|around) (?:much "
       r"longer|anymore|for long)|won t be around|will not be around|meant to be here anymore|sticking around|"
       r"being alive (?:next|by|in)|stay alive|staying alive much longer|checking out for good|permanent (?:logout|sleep|"
       r"solution|exit)|not respawning|peace out for good|disappeared? for good|gone for good|last try at living|"
       r"the only (?:option|way out) left|no way out|done trying|want it (?:all )?over with|ready to go\b.{0,20}over|"
       r"decided to stop (?:living|trying|everything)|nobody would (?:even )?(?:notice|care) if i)",
       r"\b(?:goodbye|farewell) (?:letters?|notes?|texts?|messages?)\b|\b(?:texted|messaged|told) me goodbye\b|"
       r"\bgave away (?:his|her|my|their|all) (?:dog|cat|pets?|things|stuff|belongings)\b|\bupdated my will\b|"
       r"\bwon t need (?:them|it|anything) after\b|\bwill not need (?:them|it) after\b|\bpicked a date\b|"
       r"\bhave a plan\b|\bknow (?:exactly )?how (?:i am|i m|im) going to do it\b|\bgot everything ready for tonight\b|"
       r"\bhiding my (?:meds|pills|lozenges)\b|\btake them all at once\b|\b(?:gun|pills|rope|knife|razor) in my "
       r"(?:lap|hand|pocket)\b|\b(?:roof|bridge|ledge)\b.{0,30}\bjump\w*|\bplanned it for\b",
       r"\b(?:cut|cutting) (?:deeper|tonight|again|myself)\b|\bgonna cut\b|\bgoing to cut\b|\brazor (?:across|on|to) my\b|"
       r"\bpunched (?:the|a) wall\b.{0,40}\bpain\b|\bbang(?:ing)? my head\b|\bwanted to feel pain\b|"
       r"\b(?:is|been|keeps?) (?:cutting|hurting|harming|burning) (?:herself|himself|themselves)\b",
       r"\b(?:a burden)\b.{0,40}\b(?:fix that|gone|end|better off|without me)\b|\bhappier without (?:me|him|her)\b|"
       r"\bbetter off without (?:him|her|them)\b|\bnot wanting to (?:be alive|live)\b|\bthreatening (?:suicide|to)\b|"
       r"\b(?:swallow|take) all (?:her|his|their|my) (?:lozenges|pills|meds)\b|\bending it tonight\b"),
    _r("spanish_crisis", "self_harm",
       r"\b(?:quiero|quisiera|voy a|pienso en|pensando en|me (?:quiero|voy a)) (?:morir|morirme|suicidarme|matarme|"
       r"quitarme la vida|acabar con (?:todo|mi vida))\b",
       r"\bme (?:quiero|voy a) (?:matar|suicidar|morir)\b|\bsuicidarme\b|\bmatarme\b|\bquitarme la vida\b",
       r"\bno quiero (?:vivir|seguir viviendo|despertar|estar aqui)\b|\bsin (?:razon|razones) para vivir\b",
       r"\b(?:me corto|cortarme|hacerme dano)\b",
       r"\bje veux mourir\b|\bme tuer\b|\bich will sterben\b|\bumbringen\b|\bumzubringen\b|\bvoglio morire\b|"
       r"\bquero morrer\b|\bvou me matar\b|\bfarla finita\b|\bmejor sin mi\b|\bme corte\b|\bguardando mis "
       r"pastillas\b|\bpienso en la muerte\b|\bdesaparecer para siempre\b|\bme voy a suicid\w*\b|\bsuicid(?:ar|arme)\b|"
       r"想死|自杀|\bmuon chet\b|\bmamatay\b|умереть|убить себя|\bmorire\b|\bmourir\b|\bsterben\b|\bmorrer\b"),
]

MEDICAL_EMERGENCY = [
    _r("took_too_much", "medical_emergency",
       rf"\b(?:{FIRST}|{SOMEONE}|just|accidentally|accidently)\b.{{0,25}}\b(?:took|taken|swallowed|have taken|has taken)"
       rf" (?:way |far |a lot |so )?(?:too (?:much|many)(?: (?:of )?(?:my |the |his |her )?{PILLS})?(?! (?!and\\b)[a-z])|"
       rf"the (?:whole|entire) (?:bottle|pack|box|supply|week)|all (?:of )?(?:my|the|his|her|their) {PILLS}|"
       rf"(?:a )?(?:double|triple) (?:dose|the dose)|(?:my|his|her) (?:dose|lozenges?) twice|a bunch of {PILLS}|"
       rf"\d+ (?:lozenges|troches|tablets|pills)(?! instead))",
       rf"\b(?:double|triple) dosed\b|\bswallowed (?:them|my {PILLS}|all|a bunch)\b|\bfound my (?:meds|pills|lozenges)"
       rf" and (?:took|swallowed|ate)\b",
       rf"\b(?:{FIRST}|{SOMEONE}|think i|maybe i)\b.{{0,20}}\b(?:overdosed|overdosing|od|odd|have overdosed|just overdosed)\b",
       r"\boverdos(?:e|ed|ing) (?:right )?(?:now|tonight|on (?:my|his|her|ketamine|pills|lozenges))\b",
       r"\b(?:tome|tomo|tomamos) (?:demasiad[oa]s?|toda la|todas las|muchas)\b|\bsobredosis\b"),
    _r("acute_symptoms", "medical_emergency",
       r"\b(?:chest (?:pain|pains|is (?:tight|hurting))|pain in my chest|crushing (?:pain|pressure))\b",
       r"\b(?:can not|cannot|cant|could not|having trouble|trouble|struggling to|hard to|not) breath(?:e|ing)\b",
       r"\b(?:won't|will not|wont|doesnt|does not|not|cant|cannot|can not) (?:wake (?:up|him|her|them)|waking up|respond\w*)"
       r"\b(?! (?:before|until|early|on time|in the morning|on weekends|to (?:my|texts|emails)))",
       r"^(?!.*\b(?:lol|lmao|haha|jk|kidding|(?:she|he|they|i) (?:is|are|am) fine|when (?:i|she|he) saw|price)\b)"
       r".*\b(?:unresponsive|unconscious|passed out|blacked out|blacking out|fainted|fainting|collapsed|turning blue|"
       r"lips (?:are|look|turning|went) blue|about to faint|going to pass out|vision (?:is )?going black|went limp|"
       r"slumped over|eyes rolled back|convuls\w*|shaking uncontrollably|throwing up blood|vomiting blood|"
       r"can not stop (?:vomiting|throwing up|shaking)|vomiting nonstop|slurred|face (?:is )?drooping|choking|"
       r"clutching (?:his|her|my) chest|chest (?:tightness|pressure)|breathing (?:really |very |so )?(?:slow|shallow)|"
       r"can not (?:catch my breath|get (?:any )?air|feel my (?:legs|arms|body|face)|move my (?:arms|legs|body)|stand up|"
       r"keep my eyes open)|worst headache of my life|do not know where i am|i am fading|hallucinating\b.{0,40}\bstop)\b",
       r"\bthis is an emergency\b|\b(?:1[89]\d|2\d\d) ?/ ?1[2-9]\d\b",
       r"\b(?:no se despierta|no despierta|me desmaye|se trago|ne se reveille pas|kann nicht atmen|dolore al petto)\b",
       r"\b(?:having|had|is having) (?:a )?(?:seizure|stroke|heart attack|fit|convulsions?)\b|\bseizing\b",
       r"\bheart (?:is )?(?:racing|pounding|beating (?:so )?fast)\b.{0,40}\b(?:faint|dizzy|chest|pass(?:ing)? out|breath)",
       r"\b(?:face|lips|throat|tongue) (?:is |are )?(?:swelling|swollen|closing)\b",
       r"\b(?:call|calling) (?:911|an ambulance)\b.{0,30}\b(?:should|now|need)|\bi need an ambulance\b",
       r"\b(?:no puede|no puedo) respirar\b|\bdolor (?:de|en el) pecho\b|\bno (?:despierta|responde)\b"),
]

DOSE = r"(?:dose|doses|dosage|dosages|dosing|doze|dos|dosis|amount|mgs?|milligrams?|mcg|ml|mg ?/ ?kg|mg per kg)"
UNIT_DOSE = r"\b\d+(?:\.\d+)? ?(?:mg|milligrams?|mcg|ml|mg ?/ ?kg)\b"
FORM = r"(?:lozenges?|troches?|tablets?|rdts?|pills?|ketamine|ketamin|it|one|ones|them)"

# "how many milligrams of vitamin c are in an orange" is not about this treatment.
NOT_OTHER_SUBSTANCE = (r"(?!.*\b(?:vitamin|caffeine|coffee|sugar|sodium|protein|calories|carbs|orange|red bull|tylenol|"
                       r"ibuprofen|advil|water|fiber|salt|iron|magnesium|zinc|calcium|potassium|banana|melatonin)\b)")

DOSING = [
    _r("dose_units", "dosing", NOT_OTHER_SUBSTANCE + UNIT_DOSE, r"\bmg ?/ ?kg\b|\bmg per (?:kg|kilo|pound)\b|\bmilligrams? per\b",
       NOT_OTHER_SUBSTANCE + r"\b(?:how many|what|which|how much) (?:\w+ )?(?:mg|mgs|milligrams|mcg|ml)\b",
       r"\bdose ?_?mg\b|_{2,} ?mg\b|\b\d+ ?(?:kg|kilos?|lbs?|pounds)\b.{0,60}\b(?:dose|how much|how many|lozenges?)\b",
       r"\b(?:dose|dosage) (?:per|for (?:my|a|an|his|her)) (?:pound|kg|kilo|body ?weight|weight|\d+)",
       r"\bcalculat\w* (?:my |the |a )?(?:dose|dosage)\b"),
    _r("amount_request", "dosing",
       NOT_OTHER_SUBSTANCE + rf"\bhow (?:much|many) (?:\w+ ){{0,3}}(?:{FORM}|{DOSE})\b(?! (?:cost|costs|is the program|"
       rf"does it cost))",
       r"\bhow (?:much|many) (?:should|do|can|could|would|will|must|am i supposed to) (?:i|you|we|people|someone|one|"
       r"a person|patients) (?:take|use|get|have|start|need)\b",
       rf"\b(?:what|whats|what is|which) (?:is )?(?:the |a |my |your )?(?:right|correct|usual|typical|normal|standard|"
       rf"average|common|starting|start|initial|first|safe|effective|recommended|good|max|maximum|min|minimum|highest|"
       rf"lowest|strongest|ideal|best|exact|proper) {DOSE}\b",
       rf"\b(?:max|maximum|min|minimum|highest|lowest|safe|lethal|toxic|fatal) {DOSE}\b",
       r"\bhow much (?:ketamine )?is (?:too much|safe|a lot|lethal|enough)\b|\bwhat is too much ketamine\b",
       rf"\b(?:tell|give|send|show) (?:me|us) (?:the |a |my |an? exact )?(?:\w+ )?{DOSE}\b",
       # a short message that is mostly a dose word ("dosage for the lozenges?") asks for one
       r"^(?=(?:\S+\s*){1,7}$)(?!.*\b(?:decided|determined|why|who|how is|how are|mean|means|dose of (?:sunshine|"
       r"reality|humou?r|fresh air|nature|good news|vitamin \w)))"
       r".*\b(?:dose|doses|dosage|dosing|mgs?)\b"),
    _r("change_dose", "dosing",
       rf"\b(?:increase|decrease|raise|lower|reduce|up|bump up|bump|double|halve|cut|split|adjust|change|taper|drop|"
       rf"boost|titrate|up ?titrate) (?:my |the |your |his |her |a )?(?:\w+ )?{DOSE}\b",
       rf"\b{DOSE} (?:increase|decrease|up|higher|lower|change|adjustment)\b",
       r"\b(?:go|going|move|moving) (?:up|down) (?:on|in) (?:my |the )?(?:dose|dosage|mg|lozenges?)\b",
       r"\b(?:take|taking|use|using|have|add|need) (?:an? |one |two |another |more |a second |a third |half (?:a |of )?(?:my )?|"
       r"double |extra )(?:extra |more |additional )?(?:lozenges?|troches?|tablets?|doses?|ones?|pieces?|half|ketamine)\b"
       r"(?! (?:look like|taste|cost))",
       r"\b(?:double|doubling) (?:up|dose|my|the)\b|\bextra (?:dose|lozenge|troche|tablet|ketamine)\b",
       r"\b(?:can|could|should|do|may) (?:i|he|she|they|we) (?:just )?(?:take|use|have|try|get) (?:more|less|another|"
       r"a bit more|two|2|three|3|a second|a booster|half)\b",
       r"\b(?:booster|top ?up|topup) (?:dose|lozenge)\b|\bis that too (?:many|much)\b|\bgo (?:up|down) (?:to|on) \w+",
       r"\b(?:upper|max|maximum) (?:limit|amount)\b(?! of (?:attachments|files|characters|people|guests))|\bmax (?:lozenges|troches|tablets|doses)\b",
       r"\bat what (?:dose|amount|point does the dose)\b|\bhow high can (?:the|my) (?:dose|dosage)\b",
       r"\b(?:start|starting|started) (?:people|patients|new patients|someone|me|at|with)\b.{0,30}\b(?:dose|low|mg|"
       r"lozenges?)?\b(?=.*\b(?:how|what|which)\b)|\bhow (?:low|high) do (?:you|they) start\b",
       r"\bhow much do (?:new )?(?:patients|people|most people|first timers) (?:usually )?(?:start|take|get)\b",
       r"\b(?:what|which) dose (?:would|should|do|does|will|did|is)\b|\bwhat (?:is )?(?:the |a )?(?:dos|dose|d o s e)"
       r" (?:for|of)\b|\bdose (?:would you|should i|do i|do most)\b"),
    _r("missed_dose", "dosing",
       rf"\b(?:missed|miss|skipped|skip|forgot|forget|forgotten) (?:to take )?(?:a |my |the |one |today s |yesterday s |"
       rf"last night s )?(?:{DOSE}|lozenge|troche|tablet|session s dose)\b",
       r"\bmake up (?:for )?(?:a |the |my )?(?:missed )?(?:dose|lozenge|session)\b"),
    _r("timing_frequency", "dosing",
       r"\bhow (?:often|frequently) (?:should|do|can|could|must|would|will) (?:i|you|we|people|patients) (?:take|use|dose|have)\b",
       r"\bhow (?:many|much) (?:times|lozenges|troches|tablets|doses) (?:a|per|each|every) (?:day|week|month|session)\b",
       rf"\b(?:when|what time|what time of day) (?:should|do|can|could|must) (?:i|you|we) (?:take|use) (?:my |the |a )?"
       rf"(?:next |second |another )?(?:{DOSE}|lozenge|troche|tablet|ketamine|it)\b",
       rf"\bhow (?:long|many hours) (?:should i wait |do i wait |to wait |between |apart )(?:\w+ ){{0,4}}(?:{DOSE}|lozenges?|troches?)\b",
       rf"\b(?:how long|how many hours) (?:between|apart) (?:\w+ ){{0,2}}(?:{DOSE}|lozenges?|troches?)\b",
       r"\b(?:can|could|should) (?:i|you) (?:take|use) (?:it|them|ketamine|lozenges?|my dose|two|2) (?:every day|daily|twice|"
       r"two days in a row|back to back|more often)\b",
       r"\b(?:best|right|ideal|good) time (?:of day )?to (?:take|dose|use)\b|\b(?:daily|every day) or (?:weekly|every)\b",
       r"\b(?:can|could|should) (?:i|you|she|he) (?:take|use|dose) (?:my |her |his |the |it |them )?(?:\w+ )?"
       r"(?:right before|before|after|at|whenever|tonight|in the (?:morning|evening)|at night|instead|every day|daily)\b"
       r"(?!.*\b(?:session|appointment|visit|break|bus|photo|form)s?\b)",
       r"\bhow long (?:before|after) (?:\w+ ){0,4}(?:should|do|can) i (?:take|use|dose)\b|\bhow long should i wait\b.{0,30}"
       r"\b(?:take|dose)\b|\bdose at night\b",
       r"\bhow (?:often|frequently) (?:\w+ ){0,4}(?:take|dose|use|have)\b(?!.*\b(?:sessions?|appointments?|check ?ins?)\b)",
       r"\b(?:how many (?:days|hours) (?:should|between|apart)|between doses|make it up|restart at the same)\b",
       r"\b(?:take|taking) (?:it|them|my doses?|my lozenges?) (?:whenever|at any time|any time|late)\b",
       r"\b(?:missed|forgot|skipped) (?:her|his|their|two|2|a couple of|my) (?:doses?|lozenges?)\b|\bforgot to take it\b",
       r"\b(?:just )?take two next time\b|\btake (?:2|two) lozenges\b|\bhow many would (?:he|she|they|i) go up to\b",
       r"\b(?:dose|doses|dosage|dosing|lozenges?)\b.{0,40}\b(?:prescribe|realistic|exact|recommended|typical|"
       r"per day|a day|a week|each day)\b"),
    _r("spanish_dosing", "dosing",
       r"\bcuant[oa]s? (?:mg|miligramos|pastillas|tabletas|ketamina|dosis|debo tomar|tomo|tomar)\b|\bque dosis\b",
       r"\b(?:subir|bajar|aumentar|duplicar|doblar) (?:la|mi) dosis\b|\bdosis (?:maxima|minima|normal|inicial|doble)\b",
       r"\botra (?:pastilla|dosis|tableta)\b|\ba que hora\b.{0,30}\btomar\w*\b|\bcuanta ketamina\b",
       r"\bquelle dose\b|\bwie viel (?:ketamin|mg)\b|\bquanto (?:devo|posso) tomar\b"),
]

# An attempt to talk the assistant out of its rules, plus any dosing word, is a dosing request.
DISGUISE = re.compile(
    r"\b(?:ignore|disregard|forget|override|bypass) (?:\w+ ){0,3}(?:instructions|rules|guidelines|policy|prompt|restrictions)"
    r"|\b(?:pretend|act as|roleplay|role play|you are now|imagine you are|play the role)\b|\bsystem ?:|\bdeveloper mode\b"
    r"|\bjailbreak\b|\bdan mode\b|\bhypothetical(?:ly)?\b|\bfor (?:a|my) (?:novel|story|book|screenplay|script|game|"
    r"class|paper|essay|research project)\b|\b(?:asking )?for a friend\b|\bfictional\b|\bin theory\b"
)
DOSE_WORD = re.compile(rf"\b{DOSE}\b|{UNIT_DOSE}|\bhow (?:much|many)\b|\bhow often\b")

MED = (r"(?:lexapro|escitalopram|zoloft|sertraline|prozac|fluoxetine|paxil|paroxetine|celexa|citalopram|effexor|"
       r"venlafaxine|cymbalta|duloxetine|wellbutrin|bupropion|trazodone|remeron|mirtazapine|lamictal|lamotrigine|"
       r"lithium|seroquel|quetiapine|abilify|aripiprazole|xanax|alprazolam|klonopin|clonazepam|ativan|lorazepam|valium|"
       r"diazepam|benzos?|benzodiazepines?|adderall|ritalin|vyvanse|gabapentin|lyrica|tramadol|oxycodone|opioids?|"
       r"suboxone|naltrexone|methadone|ambien|zolpidem|melatonin|sleeping pills?|antidepressants?|ssris?|snris?|maois?|"
       r"meds|medications?|medicines?|blood pressure (?:meds|medication|pills)|birth control|antibiotics?|"
       r"supplements?|st johns wort|insulin|metformin|beta blockers?|propranolol|stimulants?)")
SUBSTANCE = (r"(?:alcohol|drink|drinks|drinking|wine|beer|beers|liquor|vodka|shots?|weed|cannabis|marijuana|thc|cbd|edibles?|"
             r"joint|smoke|smoking|vape|vaping|nicotine|coffee|caffeine|energy drinks?|kratom|mushrooms|shrooms|psilocybin|"
             r"mdma|molly|ecstasy|cocaine|coke|acid|lsd|drugs)")
CONDITION = (r"(?:pregnant|pregnancy|breast ?feeding|nursing|trying to (?:get pregnant|conceive)|bipolar|manic|mania|"
             r"schizo\w*|psychosis|psychotic|high blood pressure|hypertension|blood pressure|bp|heart (?:condition|disease|"
             r"problems?|issues?|attack)|arrhythmia|afib|glaucoma|liver|kidney|seizures?|epilepsy|asthma|diabet\w*|"
             r"addiction|alcoholic|recovery|sober|history of|teenager|\d+ years old|over \d+|under \d+|elderly|surgery|"
             r"anesthesia|bladder|uti|ptsd|anxiety|adhd|ocd|eating disorder|anorexia|migraines?|dementia|autism|covid|"
             r"cold|flu|sick|fever)")

PERSONAL = [
    _r("should_i_change_meds", "personal_medical_advice",
       rf"\b(?:should|can|could|may|do|must|need to) i (?:\w+ )?(?:stop|quit|come off|go off|get off|wean off|taper|switch|"
       rf"change|pause|hold|skip|replace|reduce|lower|cut (?:back|down)|discontinue|restart|keep taking|continue) "
       rf"(?:\w+ ){{0,3}}{MED}\b",
       rf"\b(?:stop|stopping|quit|quitting|taper|tapering|switch|switching|come off|coming off|go off|going off|wean|weaning)"
       rf" (?:\w+ ){{0,3}}(?:my |off my |of my )?{MED}\b.{{0,40}}\b(?:should|can|could|do|is it|safe|ok|okay|before|now)\b",
       r"\b(?:should|can|could) i (?:switch|change|go|move) (?:from|to) (?:iv|oral|infusions?|spravato|esketamine|nasal)\b",
       r"\bshould i (?:stop|quit|pause|skip|cancel|postpone|keep going|continue|restart|switch)\b"
       r"(?! (?:by|at|reading|asking|filling))"),
    _r("combine_with", "personal_medical_advice",
       rf"\b(?:can|could|should|may) i (?:\w+ ){{0,2}}(?:take|use|mix|combine|have|do|keep|stay on|be on|continue)\b"
       rf".{{0,50}}\b(?:{MED}|{SUBSTANCE})\b",
       rf"\b(?:{MED}|{SUBSTANCE})\b.{{0,50}}\b(?:can|could|should|may) i\b",
       r"\b(?:can|could|should|may) i (?:\w+ ){0,2}(?:drink|smoke|vape|get high|have a drink|have a beer|have wine)\b",
       rf"\bis it (?:ok|okay|safe|fine|alright|dangerous|bad|risky|a problem|allowed) (?:for me )?(?:to|if i) "
       rf"(?:\w+ ){{0,4}}(?:{MED}|{SUBSTANCE})\b",
       rf"\b(?:i (?:take|am on|am taking|use|drink|smoke)|i have been (?:taking|on|drinking|smoking)|i m on|on my) "
       rf"(?:\w+ ){{0,3}}(?:{MED}|{SUBSTANCE})\b.{{0,80}}\b(?:can|could|should|is it|safe|ok|okay|will it|would it|"
       rf"interact|problem|affect)\b"),
    _r("my_condition", "personal_medical_advice",
       rf"\b(?:i am|i m|im|i have|ive|i have been|i was|i had|i ve had|i get|i suffer from|since i am|as someone with)\b"
       rf" (?:\w+ ){{0,3}}{CONDITION}\b.{{0,80}}\b(?:can|could|should|is it|safe|ok|okay|will|would|allowed|risk|"
       rf"dangerous|work|qualify|still)\b",
       rf"\b(?:can|could|should|may) (?:i|someone like me) (?:\w+ ){{0,5}}(?:if|since|while|when|though|even though|given) "
       rf"(?:i|my)\b.{{0,40}}\b{CONDITION}\b",
       r"\bmy (?:blood pressure|bp|heart rate|pulse|liver|kidneys?|labs?|ekg|ecg|levels?|doctor|psychiatrist|"
       r"therapist|prescriber)\b.{0,60}\b(?:can i|should i|is it (?:ok|okay|safe)|will it|still do|still have|"
       r"still take)\b",
       r"\b(?:is|would) (?:ketamine|it|this|oral ketamine|this treatment|treatment) (?:safe|ok|okay|right|good|"
       r"dangerous|a good idea|appropriate|recommended) for me\b",
       r"\bsafe for (?:me|my (?:baby|body|heart|condition))\b|\b(?:will|would|could|can) (?:it|ketamine|this) "
       r"(?:work|help|hurt|harm|affect) (?:for )?(?:me|my (?:\w+ ){0,2}(?:depression|anxiety|ptsd|condition|baby|heart))\b"),
    _r("qualify", "personal_medical_advice",
       r"\b(?:do|would|will|could|can) i (?:qualify|be eligible|be a (?:good )?candidate|get approved|be approved)\b",
       r"\bam i (?:a (?:good |right |suitable )?candidate|eligible|qualified|too (?:old|young|heavy|sick))\b",
       r"\b(?:is|would) (?:ketamine|it|this|oral ketamine) (?:be )?(?:right|a good fit|suitable) for me\b"),
    _r("my_symptoms_now", "personal_medical_advice",
       r"\b(?:is it normal|is this normal|should i (?:be )?worr(?:y|ied)|should i call|do i need to (?:see|call|go))\b"
       r".{0,60}\b(?:i|my|me)\b",
       r"\bi (?:feel|felt|have|am having|m having|keep having|still have|still feel)\b.{0,60}\b(?:is (?:that|this|it) "
       r"(?:normal|ok|okay|bad|dangerous|safe)|should i\b|what should i do)"),
    _r("first_person_health", "personal_medical_advice",
       rf"\b(?:can|could|should|do|will|would|may) (?:i|he|she) (?:\w+ ){{0,4}}(?:with|while on|on|after|before|during)"
       rf" (?:my |her |his |the )?(?:ketamine|lozenges?|troches?|treatment|ketamine session|session|infusion)\b"
       rf"(?=.*\b(?:take|drink|have|use|smoke|mix|combine|nurse|breastfeed|fly|drive|go to|quit|stop|{MED}|{SUBSTANCE})\b)",
       rf"\b(?:my|i|im|i m|i am)\b.{{0,25}}\b(?:{MED}|{SUBSTANCE}|ibuprofen|advil|tylenol|benadryl|antihistamines?|"
       rf"levothyroxine|hrt|estrogen|testosterone|poppers|delta ?8|kratom)\b.{{0,60}}\b(?:ok|okay|safe|fine|interfere|interact|mess with|mess up|a problem|"
       rf"dangerous|stop ketamine|affect|work)\b.{{0,30}}\b(?:with|for me|my|this|ketamine|lozenges?|treatment|results)\b",
       r"\b(?:for me|4 me)\b.{0,10}(?:\?|$)|\b(?:good|bad|right|safe|ok|okay) (?:idea|treatment|choice|option)? ?(?:for|4) me\b",
       r"\b(?:disqualify|approve|clear) me\b|\b(?:do|will|would|could) i (?:still )?(?:qualify|qualifiy|be eligible)\b"
       r"|\b(?:enough|eligible) for me\b|\b(?:is|am) i (?:still )?(?:ok|okay|safe|eligible) to\b",
       r"\b(?:i (?:have|am|m|was|ve|get|take|drink|smoke|do|use|used to|already|just|might|tried)|my (?:\w+ )?"
       r"(?:blood pressure|blood presure|bp|heart|heart rate|pulse|liver|kidneys?|memory|mood|depression|anxiety|sleep|"
       r"stomach|head|vision|period|labs?|doctor|psychiatrist|therapist|partner|mom|dad|son|daughter) (?:\w+ )?"
       r"(?:is|was|runs|has|feels|says|does))\b.{0,80}\b(?:can i|(?<!what )should i|is (?:that|it|this) (?:ok|okay|safe|a problem|dangerous|an issue|"
       r"fine)|will (?:it|ketamine|this|that|the lozenges?|the ketamine) (?:make|mess|stop|hurt|affect|interfere|work)|"
       r"do i (?:need|have|hav) to|am i (?:gonna|going to|ok|okay|safe|still)|still (?:ok|okay|qualify|do|go|have|make)|"
       r"(?:is|are) (?:the lozenges|ketamine|it|this) (?:ok|okay|safe)|is it the ketamine|is the ketamine)\b",
       r"\bshould (?:she|he|they|my \w+) (?:try|take|start|stop|do|get)\b|\bcan (?:he|she|they) (?:get|take|try|do) "
       r"(?:oral )?ketamine\b|\bsafe for (?:her|him|them)\b",
       r"\b(?:i want to|thinking of|thinkin of|can i) (?:\w+ ){0,2}(?:switch|swich|swiching|switching|quit|stop|replace|come of|"
       r"come off|get off|go off|taper)\b",
       r"\b(?:as|you are|you re) (?:my|a) (?:psychiatrist|doctor|pharmacist|prescriber|nurse)\b.{0,60}\b(?:my|me|i)\b"),
    _r("spanish_personal", "personal_medical_advice",
       r"\b(?<!quien no )(?<!quien )(?:puedo|debo|deberia) (?:tomar|dejar|mezclar|combinar|beber|seguir|parar|"
       r"suspender)\b",
       r"\bestoy (?:embarazada|amamantando|dando pecho|tomando)\b|\bes seguro para mi\b|\bcalifico\b",
       r"\b(?:tengo|soy)\b.{0,40}\b(?:puedo|me va a|debo)\b|\bdebo (?:saltarme|dejar|parar|cambiar)\b"
       r"|\bpuedo (?:cambiar|usar|hacer mi)\b"),
]

ALL_RULES: list[Rule] = SELF_HARM + MEDICAL_EMERGENCY + DOSING + PERSONAL

# Informational shapes that mention a dose without asking for one ("how is the dose decided in general?").
DOSE_INFORMATIONAL = re.compile(
    r"^\W*why (?:is|are|does|do|can ?not|cant|won t|will not|would|should)\b|^\W*does the (?:clinic|team|care team|"
    r"clinician|doctor) (?:monitor|check|watch|follow up|adjust)\b|"
    r"\bhow (?:is|are|do(?:es)? (?:they|you|clinicians?|doctors?|the clinic|my clinician|providers?)) (?:\w+ )?"
    r"(?:dose|doses|dosage|dosing)\b(?: \w+){0,2} (?:decided|determined|chosen|picked|set|worked out|calculated|adjusted|"
    r"personali[sz]ed|figured out)|\b(?:decide|determine|choose|pick|set|personali[sz]e|figure out|adjust) (?:the |a |my |"
    r"your |each )?(?:patients? )?(?:dose|dosage|dosing)\b(?! for me)"
    r"|\bwho (?:decides|determines|chooses|sets|picks|adjusts) (?:the |my |your )?(?:dose|dosage)\b"
    r"|\bwhy (?:can ?not|cant|do not|dont|will not|wont|does not|doesnt) (?:you|the (?:chatbot|assistant|bot|app)|this|it)"
    r" (?:\w+ ){0,3}(?:dose|doses|dosage|dosing|numbers?|amounts?)\b"
    r"|\bwhat (?:does|is) (?:start low|\W?start low,? go slow)"
    r"|\b(?:what|which) factors\b|\bone size fits all\b"
)


# Words that tie a message to this treatment. Without one, a refusal needs a rule or a very confident classifier:
# "whats a good stretch for lower back pain" is out of scope, not a request for a dose.
TREATMENT_ANCHOR = re.compile(
    rf"\b(?:ketamin\w*|k|lozenges?|troches?|tablets?|rdts?|pills?|doses?|dosage|dosing|mg|mgs|milligrams?|sessions?|"
    rf"treatment|therapy|infusions?|spravato|esketamine|prescri\w+|clinician|psychiatrist|{MED}|{SUBSTANCE}|{CONDITION}|"
    rf"qualify|eligible|candidate|disqualify|safe for me|for me|help me|do this|take (?:it|them|one|another|more|less|"
    rf"two|2|a bit)|taking (?:it|them)|how (?:much|many|often)|amount|max|maximum|extra|another one|double|dubble|"
    rf"raise|increase|lower|start (?:people|with|at)|skip|missed|forgot|switch|stop|quit|drop|come off|iv|oral|nasal|"
    rf"mood stabilizer|newbies?|first timer|tomar\w*|pastillas?|dosis|prendre|nehmen)\b"
)
