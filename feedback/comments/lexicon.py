"""The words and phrases the analysis knows, with what each says and how strongly.

One entry a line: `pattern : weight topic [~ negated-weight negated-topic | !]`.

- A pattern is words separated by spaces; `a/b` is either word; `word*` is any word that begins so; `=word` is that
  exact form only (English words are otherwise compared by their Snowball stems, Russian ones exactly); `..` lets
  up to three other words stand between its neighbours.
- The weight is negative for a complaint, positive for praise, zero for a mere mention of a topic.
- Topics: L late, N no-show or stall, R rude, F not fixed, D damage, P price, C communication, S safety, G praise,
  `-` none.
- After `~` comes what the entry means when negated ("not polite" is rudeness, "no updates" a complaint about
  communication); `!` says negation changes nothing (the phrase carries its own). Without either, a negated
  complaint turns into faint praise and negated praise into a faint complaint of no topic.
"""

ENGLISH = r"""
# No-show, stall, abandonment
show/turn/turned/pop up : 0 - ~ -1.5 N
show/came/come/coming/arriv*/appear*/turn* : 0 - ~ -1.5 N
arriv*/come/came/show/showed/turn*/up .. =until/=till : -1.2 L !
no show/shows : -1.5 N !
no record : -1.2 N !
lost my/the booking/job/order : -1.2 N !
lost in the system : -1.2 N !
available : 0 - ~ -1.2 N
need/needed/needing a tow : 0 - !
no-show : -1.5 N !
still waiting : -1.5 N
still sitting/stood/standing/stuck here/there : -1.2 N
went quiet/silent/dark : -1.0 N
someone/somebody else .. assigned : -1.0 N
gave/give up : -1.0 N
cancel* : -1.0 N
reassign* : -0.8 N
stop*/stuck moving : -1.2 N
move/moving/movement/moved : 0 - ~ -1.2 N
sat there : -0.8 N
left without : -1.3 N
abandon* : -1.5 N
left me : -0.8 N
disappear*/vanish*/ghost* : -1.3 N
drove off/away : -1.0 N
stop* answer*/respond*/repl* : -1.2 N
refus* : -0.8 -
refus* to come/go/tow/drive/travel/attend/help : -1.2 N
turned/turn around : -1.0 N
went/gone/left to/for another job/call/customer : -1.3 N
another job/call : -1.0 N
searching/looking for a technician/driver/truck/mechanic : -0.8 N
left me stranded : -1.3 N
stood/stand me up : -1.5 N
still no truck/technician/tech/driver/mechanic/one/sign/tow/van : -1.5 N !
no sign of : -1.2 N !
sat/stood/stayed/sitting/standing still/put : -1.2 N
closed/marked/logged .. as complete/completed/done/finished/resolved : -1.2 N
stood up : -0.5 N
too far : -0.6 N
replac* : 0 - ~ -1.0 N
never came/showed/arrived/turned : -1.5 N !
nobody/=noone came/showed/arrived/turned : -1.5 N !
# Late
late/lateness : -1.2 L ~ 0.4 -
way/much/far/even/hours/ages later : -1.0 L
missed my flight/train/meeting/appointment/interview/ferry : -1.0 L
out so late : 0 - !
delay* : -1.0 L
slow/slowest/slowly : -1.0 L ~ 0.4 -
slow puncture/leak : -0.8 F !
forever/ages/eternity : -1.2 L
took/take/taking so/too/way/far long : -1.3 L
too long : -1.2 L
long wait* : -1.2 L
wait/waiting/wait's .. long : -1.2 L
long time : -0.8 L
wait/waited/waiting/waits : -0.6 L ~ 0.5 -
wait/waited/waiting in/behind/inside/with/up/by/safely/away : 0 - !
wait/waited/waiting on the verge/pavement/kerb/grass/embankment/roadside/bank : 0 - !
had/made/asked/told me wait/to : 0 - !
wait* time : -0.6 L
took a while : -0.5 L
overdue : -1.0 L
all evening/afternoon/morning/day : -1.2 L
finally : -0.6 L
eventually : -0.5 L
bit of a wait : -0.9 L !
speed bump/bumps/hump/humps : 0 - !
fair play : 0.6 - !
no =surprise : 0 - !
smelled/smelt/smells/smelling/stank/stinks of booze/alcohol/drink/beer/whisky/vodka : -1.5 S !
freezing cold/weather/temperatures/night/rain/fog/conditions : 0 - !
asked/demanded/wanted/insisted for/on cash : -1.0 P !
cash on top : -1.0 P !
phone number/numbers : 0 - !
apple/google/samsung pay : 0 - !
on/lights/light all night/overnight : 0 - !
long story : 0 - !
behind/past/in an/the/a accident/crash : 0 - !
pleasantly surprised : 1.0 - !
expected/feared/expecting worse/the : 0 - !
not great/good/bad/terrible/awful not great/good/bad/terrible/awful : 0 - !
sorry to moan/complain/whinge/nag : 0 - !
fair point : 0 - !
told/tell/telling me off : -1.2 R !
preachy/lectured/lecturing/preached : -1.0 R
confusing/clunky/unintuitive/confusingly : -0.9 -
bit much : -0.8 -
on/over the phone : 0 C
no fuss/hassle/stress : 0.6 - !
exactly what i needed/wanted/asked : 1.0 - !
what more is/can there/i/you : 1.0 - !
would it kill you/them/him/her : -1.2 - !
second/another visit/callout/call-out/trip : -0.8 F
ten out of ten : 1.2 G !
got/get there in the end : 0.8 - !
scratched/damaged/broke/spilled/dented/marked/scuffed nothing : 0.5 - !
charged/charging nothing : 1.0 P !
wait/waiting/wait's/waits .. longer : -1.2 L
could/could've/couldve been quicker/faster/sooner : -0.8 L !
could have been quicker/faster/sooner : -0.8 L !
not the fastest/quickest/speediest : -0.8 L !
not the friendliest/chattiest/warmest/politest : -0.3 - !
nothing to write home about : 0 - !
when it/the/they/app said/promised/estimated/showed : 0.5 C !
wait/waiting/wait's/waits was/is painful/brutal/endless/horrendous/awful/terrible/horrible/miserable : -1.2 L !
later than : -1.0 L
later than .. app/eta/said/promised/quoted/estimated : -1.0 L
way/much/far/even later than .. app/eta/said/promised/quoted/estimated : -1.0 L
all night : -1.2 L
arrived/came/turned/showed .. next morning/day : -0.8 L
on time/schedule : 1.0 - ~ -1.2 L
exactly right : 1.0 - !
punctual : 1.0 - ~ -1.2 L
quick/quickly/quicker/fast/faster/speedy/prompt/promptly/rapid/swift* : 1.0 - ~ -1.0 L
in no time : 1.2 - !
right away : 0.8 -
early/earlier/sooner : 0.8 -
# Rude
rude/rudely/rudest/impolite/unprofessional/disrespect*/ill-mannered : -1.5 R
attitude : -1.0 R
yell*/shout*/scream* : -1.5 R
swear*/swore/cursing/cursed : -1.3 R
insult*/condescend*/patronis*/patroniz*/arrogant/dismissive/belittl* : -1.3 R
grumpy/sarcastic/snarky/impatient/hostile/cocky : -1.0 R
aggress* : -1.3 R
rolled his/her/their eyes : -1.2 R
eye roll* : -1.2 R
made/make fun : -1.2 R
mock*/ridicul* : -1.2 R
laugh*/sneer* at : -1.2 R
laughed/laughing/sniggered when : -1.2 R
and laughed/laughing/sniggered/smirked : -1.2 R
not funny : -1.0 - !
sigh* : -0.6 R
smoking/smoked/smoke : -0.8 R
drunk/alcohol/booze : -1.5 S
barely looked : -0.8 R
on the/his/her phone the whole/entire : -0.8 R
short-tempered/temper/tempered/slam*/shov*/sexist/racist/patronising : -1.2 R
pushed/shoved/rushed me : -1.0 R
hurry up : -0.8 R
stop crying/whining/moaning : -1.3 R
talked/talks/talk/talking down : -1.2 R
idiot/stupid/dumb/moron/jerk/prick/asshole/arsehole/dick/clown : -1.2 R
snapped/snapping at : -1.2 R
mutter*/mumbl*/grumbl*/moan*/stroppy/surly/unfriendly/unpleasant/nasty/lazy/indifferent/uninterested/disinterested : -1.1 R
inappropriate*/flirt*/creep*/harass*/pervert* : -1.4 R
say/said hello/hi/goodbye/bye : 0 - ~ -0.8 R
greet*/introduc* : 0 - ~ -0.8 R
liar/lied/lying : -1.3 R
blame*/blaming : -1.0 R
my fault : -1.0 R
my fault really/honestly : 0 - !
my own fault : 0 - !
my own .. fault : 0 - !
my fault for : 0 - !
my stupid/silly/dumb fault : 0 - !
my bad : 0 - !
treated me like : -1.0 R
short with me : -0.8 R
manners : 0 - ~ -1.0 R
bad manners : -1.0 R
polite/politely/courteous/respectful : 1.0 G ~ -1.2 R
=friendly/=friendlier/=friendliest/kind/kindly/nice/lovely/pleasant/patient/calm/cheerful : 0.8 G ~ -1.0 R
professional/professionally/pro : 1.0 G ~ -1.0 R
apolog*/sorry : 0 - ~ -0.6 -
not my problem/job/fault : -1.2 R !
not your/his/her/their fault : 0 - !
wasn't/isn't/wasnt/isnt my/his/her/their problem/job/fault : -1.2 R !
treated/treats/treat/treating .. like : -1.2 R !
nothing but praise/good/positive/great : 1.2 G !
ruined my day/evening/morning/weekend : -1.0 - !
couldn't/could care less : -1.2 R !
spoke/talked/speaks/talks/spoken to me like/as : -1.2 R !
slow down : 0 - !
women/woman/female/girls drivers/driver/shouldn't : -1.2 R
seriously : -0.5 -
grunt*/barked/snarl* : -1.2 R
spoke/speak/talked/said : 0 - ~ -0.6 R
# Not fixed
fix/fixed/fixing/repair*/solved/resolved/sorted : 0.4 - ~ -1.3 F
work/worked/working/works : 0 - ~ -1.2 F
start/starts/started : 0 - ~ -1.2 F
restart/restarts/restarted : 0 - ~ -1.2 F
open/opened : 0 - ~ -1.3 F
get in : 0 - ~ -1.0 F
help/helped : 0.6 - ~ -1.2 F
=helpful : 1.0 G ~ -1.0 R
jump start/started/starter : 0 - !
jump-start* : 0 - !
died/dead/flat/broke/broken/stalled again : -1.3 F
flat/dead/died after your/the/his/her/their jump/jumpstart/fix/visit/repair/plug/patch : -1.2 F !
plug/patch/repair/tyre/tire leaked/leaking/leaks/leak : -1.3 F !
went/gone/was/is/going down/flat again : -1.3 F
knocked/knocking/knocks on/at : 0 - !
died/dead/dies/failed/conked/stalled/broke after/within .. minutes/mins/hours/hour/day/days/week/miles/mile/km/he/she/they/leaving : -1.2 F
late for school/work/my/the/a/an : 0 - !
left/drove/went/gone before/without checking/making/seeing/testing : -1.2 N !
lasted/held/lasts till/until/to : -1.0 F
and died/stalled/stopped/conked : -1.0 F
came back on : -1.2 F
same problem/issue : -1.3 F
same battery/fault/tyre/tire/thing/puncture : -1.0 F
second/third/fourth time in/this : -0.8 F
still had/have to : -0.8 F
problem/issue/fault still : -1.2 F
still there : -1.0 F
loose/wobbl* : -1.0 F
just put air/pumped : -1.0 F !
go/goes/went into gear : 0 - ~ -1.2 F
hold/held/holds : 0 - ~ -1.2 F
manag*/cope/coped : 0 - ~ -1.2 F
tow/towed : 0 - ~ -1.2 N
still flat/broken/dead/dies/leaking/stuck : -1.3 F
still have/has/had a flat : -1.3 F
still won't/doesn't/does/didn't/wont/doesnt/not start* : -1.3 F !
wrong size/tyre/tire/wheel/fuel/part/battery/key : -1.2 F
petrol for a diesel : -1.3 F
diesel for a petrol : -1.3 F
shrug* : -0.8 F
anyway : -0.5 F
another service/company/truck/garage : -0.8 F
have the right/tools : 0 - ~ -1.0 F
did/does the job : 0.8 - ~ -1.2 F
job done : 0.8 -
did nothing : -1.2 F
crank/cranks/cranked : 0 - ~ -1.3 F
turn over : 0 - ~ -1.3 F
still locked/stuck/flat/broken/dead/leaking/not/won't/doesn't/didn't/wouldn't/couldn't/can't : -1.2 F !
do/did anything/much : 0 - ~ -1.2 F
get/got/take/took me home/there/to : 0.4 - ~ -1.0 F
sloppy/botch*/bodge*/half-hearted/amateur*/careless : -1.2 F
make/made it worse : -1.3 F
sorted/fixed/solved/resolved .. issue/problem/fault/trouble : 0.6 - !
with/brought petrol/diesel when/instead/but .. diesel/petrol : -1.2 F !
=wasted/=wasting : -1.0 -
waste of : -1.2 - !
# Damage
scratch*/=dent/=dents/=dented/=denting/damag*/scuff*/gouge* : -1.5 D ~ 0.3 -
clipped/clip/clips/clipping my/the : -1.3 D
forgot/forget/forgotten to put/give/return : -0.8 D !
top/topped/topping up/off : 0 - !
cracked/crack/cracking a joke/jokes : 0.5 - !
already like that/there : -1.0 D !
cold snap/spell : 0 - !
crunch*/scrap* : -1.0 D
wasn't/was not like that : -1.0 D !
was fine before : -1.0 D !
scrape/scraped/scrapes : -1.3 D
crack*/chipp*/smash*/shatter* : -1.3 D
broke/broken/break/bent/bend/tore/torn/ripped : -1.2 D
break/breaks/breaking/broke/broken down : 0 - !
# A bend in the road: "on a bend with no hard shoulder".
on/round/around/at/blind a/the/blind bend/bends : 0 - !
snapped/broke/broken/came/fell off : -1.3 D
# The car leaving the truck at the garage: "came off the flatbed exactly as it went on".
came/come/comes/got/rolled off the/his/a flatbed/truck/lorry/trailer/ramp/ramps/transporter/platform/back : 0 - !
dropped my/the car/it : -1.5 D
drop* off the : -1.5 D
fell off : -1.5 D
leak*/leaking : -1.0 D
grease/greasy/dirty/mud/muddy/stain* : -0.8 D
hanging off : -1.3 D
hit something : -1.0 D
left/leaving marks : -1.0 D
marks : -0.6 D
chip/chips/spill*/spilt/smell*/stink*/reek* : -1.0 D
snapped/snap : -1.0 D
on/round/the bend : 0 - !
oil/grease/dirt/mud all over/everywhere : -1.0 D
rolled into : -1.2 D
kerb*/curb*/gouged/ruined/wrecked/destroyed/yanked/pried/prised/=bumped/knocked/crushed/buckled : -1.3 D
rough/roughly : -0.8 D
they/he/she/driver/technician lost : -1.0 D
=missing : -0.8 D
stole/stolen/theft : -1.5 -
without a scratch : 1.0 - !
# Price
price/prices/pricing/cost/costs/quote/quoted/fee/fees/paid/pay/bill/billed/money/tariff/membership/subscription/insurance/mileage : 0 P
fixed price/rate/fee/cost/prices : 0 P !
anything but : -1.0 - !
charg* : -0.6 P ~ 0.8 P
no charge : 1.0 P !
free of charge : 1.0 P !
no idea when/if/how : -1.0 C !
sent/send/sending/shared my location/pin/postcode : 0 C ~ -1.0 C
sent/send/sending/shared my location/pin/postcode .. times/again : -1.0 C !
blind bend/corner/summit/bends : -0.8 S
extra charg*/fee* : -1.2 P
charged/charge me/us extra/twice/double/more : -1.3 P
charged/billed/charging twice/double : -1.3 P
overcharg*/overpriced : -1.5 P
expens*/=costly/pricey/steep : -1.2 P ~ 0.5 P
arm and a leg : -1.3 P !
cost/costs/costed .. fortune/bomb/packet : -1.3 P !
rip off : -1.5 P !
ripped off part/the/my/a/half/when/during/while/by : -1.3 D !
on top : 0 - !
cheeky : -0.8 -
admin/booking/service/handling fee/charge : -1.0 P
rip-off/ripoff/scam*/robbery/extortion*/fraud : -1.5 P
hidden fee*/charge*/cost* : -1.3 P
extra : -0.5 P
billed/charged another/different/more : -1.2 P
different price/amount : -1.0 P
price/prices went/gone/doubled/increased/jumped : -1.0 P
twice for the same : -1.3 P
doubl* the price : -1.3 P
double/twice/triple/treble what/the .. quote/quoted/estimate/estimated/agreed/said/promised : -1.3 P !
how much : 0 P !
refund* : -0.8 P
covered/covers/cover/covering : 0.5 P ~ -0.8 P
didn't/did/not pay/paid a penny/anything/nothing/a thing : 1.0 P !
cancellation/cancel fee/charge/fine : -1.2 P
for cancelling/canceling/cancellation : -1.0 P !
well worth : 1.2 P !
pays/paid for itself : 1.2 P !
still got/get/was billed/charged : -1.2 P
surcharge/upcharge/extortionate/greedy/gouging/markup/mark-up : -1.3 P
cash only : -0.6 P
no surprises : 0.8 - !
you get what you pay for : 0.8 P !
not the cheapest : -0.4 P !
cheap/cheaper/affordable/reasonabl*/inexpensive : 1.0 P ~ -0.8 P
less than expected/i : 1.0 P
fair : 0.6 P
fair enough : 0.3 - !
could have bought : -1.0 P !
fair/good/great/decent/honest price/prices/pricing/rate/rates : 1.0 P
value for money : 1.0 P
good value : 1.0 P
worth : 1.0 P ~ -1.0 P
# Communication
# "=push": the notification, not "got pushed to the side".
=push/=pushes/notif*/updat*/sms/texts/text/messag*/chat/email/tracker/tracking : 0 C ~ -1.2 C
updates/notifications/messages/texts stopped/dried : -1.2 C
map : 0 C ~ -1.0 C
app/tracker/map said/says/showed/shows/kept/told/promised/estimated : 0 C
faster/quicker/sooner/earlier than .. app/eta/said/promised/expected/quoted : 0.8 -
before/under/inside/within the eta : 0.8 - !
dispatcher/dispatch/operator/support/helpline/call-centre/switchboard : 0 C
called/phoned/rang/texted/messaged ahead : 0 C
phoned/rang/texted/messaged me : 0 C
told/said/promised/quoted me/us on/over/by the phone/line : 0 C
on the line : 0 C
ignored/ignoring my/our questions/question : -1.3 R !
eta : 0 C ~ -1.0 C
queue : 0 C
answer*/respons*/repl*/respond*/pick*/picked/call/called/calls/phone : 0 - ~ -1.2 C
reach/reachable : 0 - ~ -1.3 C
get/got through : 0 - ~ -1.3 C
on hold : -1.0 C
kept/keeps ringing : -1.0 C
ignor* : -1.0 C
hung/hang up : -1.3 C
tell/told/inform*/warn*/heads-up/heads : 0 - ~ -1.0 C
truth : -0.6 C
changed .. times : -0.8 C
call/called/calling back : 0 C ~ -1.3 C
communic* : 0 C ~ -1.0 C
kept me updated/informed/posted : 1.0 C
good/great/clear communication : 1.0 C
no idea where : -0.8 C
nobody/noone here/there : -1.2 C !
phone/mobile signal/reception/battery/charge : 0 - !
no one here/there : -1.2 C !
automat* repl*/messag* : -0.8 C
bot : -0.5 C
spam* : -1.0 C
had/have to explain/repeat/chase/call/ring : -1.0 C !
copy-paste/copy/=canned/template*/scripted : -0.8 C
wrong junction/exit/turning/turn/road/street/postcode/address : -1.0 C
someone else's/else : -0.8 C
logging/logged/logs/kicked me out : -1.0 C
nothing to do with : -0.8 C
different/wrong/another town/city/street/road : -1.0 C
crashed/crashes/crashing/glitch*/buggy/bugs/bug/froze/freezes/laggy : -0.9 C
=crash/collision/accident : -1.0 S
link/links/website/site : 0 C ~ -1.0 C
match*/matched/tally : 0 - ~ -1.0 C
mention*/mentioned : 0 - ~ -1.0 P
find/found/locate*/located : 0 - ~ -1.0 C
kept me in the dark : -1.2 C !
radio silence : -1.2 C
voicemail/unanswered/unreachable : -1.0 C
misleading/misinformed/inaccurate : -1.0 C
got/get lost : -1.0 C
wrong address/location/place/side/spot : -1.0 C
different story/answer/stories : -1.0 C
says/said/marked/shows completed/complete/done/finished : -1.2 N
app/push/pushes/notification/notifications/tracker/status/text said/says/saying/showed/shows/marked/told .. =arrived/here/completed/complete/done/finished : -1.2 N
different/conflicting/contradictory arrival/eta/etas/times/updates : -1.0 C
call back .. never came/happened/arrived/materialised : -1.3 C !
callback/call/reply/text .. never came/happened/arrived/materialised : -1.3 C !
longer than .. app/eta/said/promised/quoted/expected/estimated : -1.0 L
longer than i'd/i/hoped/wanted/needed/liked : -1.0 L !
see/saw/track/watch/follow him/it/the/them on the map : 0.8 C
ring/rang/rung/ring me back : 0 - ~ -1.2 C
speak/spoke/speaks .. english/language : 0 C ~ -0.8 C
explain*/explan* : 0.8 G ~ -0.8 C
kept/keep jumping/changing : -0.8 C
# Safety
safe/safely/secure/safety : 1.0 S ~ -1.3 S
safe trip/journey/drive/travels/home : 0.8 - !
home safe/safely : 0.8 - !
unsafe/danger*/=hazardous/reckless* : -1.5 S
scared/scary/afraid/frighten*/terrif* : -1.3 S
risk* : -1.0 S
cones/cone/triangle/high-vis/hi-vis/vest/hazards/flashers/barrier/reflective : 0 S ~ -1.2 S
hazard lights : 0 S ~ -1.2 S
killed/kill : -1.0 S
could have died : -1.0 S
speeding/speed : -1.0 S
live lane : -0.8 S
hard shoulder/shoulders : 0 S ~ -1.2 S
shoulder : 0 S
=lorry/=lorries/=hgv/=hgvs/=trucks going/flying/whizzing/thundering/passing/past : -0.8 S
middle/fast/outside lane : -0.8 S
unlit/=exhausted/yawning/drowsy/=tired/sleepy/falling : -1.0 S
comfortable : 0 - ~ -1.0 S
traffic side : -0.8 S
flying/whizzing past : -0.8 S
away from traffic : 0.5 S
crash barrier : 0.8 S !
booster seat/seats : 0 S ~ -1.2 S
seatbelt/seat-belt : 0 S ~ -1.2 S
car/child/baby seat : 0 S ~ -1.2 S
steadily/smoothly/gently : 0.6 S
in the dark : -0.5 S
drove/drives/driving/drive like a maniac/lunatic/madman/nutter/racer : -1.3 S !
maniac/lunatic/madman : -1.2 S
level/railway crossing : 0 S !
tunnel/tunnels : 0 S
toddler/toddlers/kids/baby/children/child .. cold/freezing/snow/frost : -0.8 S
alone : -0.3 -
dodgy/sketchy/shady/creepy : -1.0 S
asking/asked where i live/lived : -1.1 S
uncomfortable/uneasy/unnerv*/intimidat*/threaten* : -1.1 S
texting/texted/scrolling/browsing while/whilst/and : -1.3 S
on his/her phone while/whilst/when driving/towing : -1.3 S
carriageway : -0.8 S
motorway/highway side : -0.8 S
flashing lights/beacons : 0.3 S
beacon/beacons : 0.3 S
behind/up/over the barrier/embankment/verge/fence/railing : 0.8 S
reassur* : 1.0 S
nobody checked : -0.8 S
no one checked : -0.8 S
careful/carefully/cautious : 0.8 - ~ -1.0 D
# Praise and plain words of feeling
thank/thanks/thankyou/thx/ty/=ta/cheers/grateful : 1.0 G ~ -0.8 -
thanks/thank/cheers for the .. lecture/lesson/sermon/lessons : -1.2 R !
thank you for the lecture/lesson/sermon : -1.2 R !
should/shouldve have known better : -1.2 R !
was/is/were sound : 1.0 G !
just pump/pumped/pumping/inflated : -1.0 F !
thanks/thank for nothing : -1.5 - !
thank you for nothing : -1.5 - !
smashing/=cracking : 1.2 G
great/excellent/amazing/awesome/brilliant/fantastic/perfect/superb/outstanding/wonderful/incredible/legend/lifesaver/hero/star/top/best/stellar/phenomenal/=exceptional/=exceptionally : 1.2 G ~ -0.8 -
impress*/happy/=pleased/satisfied/delighted/glad : 1.0 G ~ -1.0 -
better : 0.8 - ~ -0.8 -
stayed/stay with me/us : 0.8 -
# The driver's luck is no complaint about the service: "terrible luck on my part".
bad/terrible/awful/rotten/horrible/unlucky/shit luck : 0 - !
extra mile : 1.2 G
good : 0.8 - ~ -0.8 -
fine : 0 - ~ -0.8 -
decent : 0.3 - ~ -0.8 -
nice/friendly/polite/pleasant/fine enough : 0.3 -
ok/okay/alright : 0 - ~ -0.8 -
cool/neat : 0.6 -
recommend* : 1.2 - ~ -1.2 -
sound/top/proper bloke/guy/lad/chap/man : 1.2 G
use .. again : 1.0 - ~ -1.2 -
in a heartbeat : 0.8 - !
efficient/knowledgeable/competent : 1.0 G ~ -1.0 -
reliable : 1.0 - ~ -1.0 -
can't/cannot/couldn't/cant/couldnt thank .. enough : 1.5 G !
looked/look after : 1.0 G
can't/cannot/couldn't/cant/couldnt recommend .. more/enough/highly : 1.5 G !
top notch/class : 1.2 G !
5 stars : 1.0 G !
five stars : 1.0 G !
saved/saviour/savior : 1.0 G
above and beyond : 1.5 G !
out of his/her/their way : 1.2 G !
asked for more/better : 1.2 G !
# A better outcome denied only as impossible: "couldn't have gone better", "can't get any better".
couldn't/couldnt/can't/cant/cannot have gone/been/done/turned better : 1.2 - !
couldn't/couldnt/can't/cant/cannot have gone/been/done/turned any/much better : 1.2 - !
couldn't/couldnt/can't/cant/cannot be/go/get better : 1.2 - !
couldn't/couldnt/can't/cant/cannot be/go/get any/much better : 1.2 - !
could not have gone/been/done/turned better : 1.2 - !
# Only denied, a letdown is praise: "never let me down" (unnegated, "the battery let me down" is the breakdown).
never/didn't/didnt/not/hasn't/hasnt/haven't/havent/won't/wont let/lets me/us down : 0.8 - !
# The writer's own phone: "I didn't have the app open" is no door that would not open.
have/had/has/keep/kept the/my app/phone/tracker/tracking/notifications/map open : 0 C !
chatty/cheerful/funny/upbeat/lovely/sweet/gentleman/=gent/legend/=chatted : 0.8 G
chatbot/chat-bot/bot/loop : -0.8 C
tidy/clean/neat : 0.5 -
appreciat* : 0.8 G
smooth/smoothly/easy/painless/hassle-free/seamless : 0.8 - ~ -0.6 -
no complaint/complaints/issues/problems : 1.2 - !
nothing to complain : 1.2 - !
could/can not/n't fault : 1.2 - !
=couldn't/=can't/=cant/=couldnt fault : 1.2 - !
=love/=loved/=liked/=loving : 1.0 -
well done : 1.0 G
what more can you/i/one ask/want : 1.2 G !
spot on : 1.0 -
bad/poor/crap/rubbish/lousy : -1.0 - ~ 0.6 -
terribl*/awful/horribl*/worst/disgrac*/disgust*/shocking/appalling/pathetic/ridiculous/unacceptable/joke/useless/nightmare/disappoint*/incompetent/clueless/shambles/shame/avoid/horrendous/atrocious/unreliable/annoy*/insane/crazy/absurd/outrageous/disaster/fiasco/mess/hopeless/nonsense/frustrat*/furious/angry/livid/upset/fuming/=gutted/dreadful/abysmal/diabolical/unbelievable/laughable : -1.3 -
complain* : -0.6 - ~ 0.5 -
never again : -1.5 - !
issue/issues/problem/problems/trouble : -0.5 - ~ 0.3 -
stuck/stranded : 0 -
like a/an idiot/muppet/numpty/amateur/moron/fool : 0 - !
nothing to report/add/say : 0 - !
perfectly fine/ok/okay/good/adequate/acceptable/normal : 0 - !
slower/longer than last time/usual/before/normal : -1.0 L !
straightforward/simple/uncomplicated : 0.6 -
solid : 0.8 -
thorough/meticulous/attentive/diligent/conscientious : 1.0 G ~ -1.0 -
gem/diamond/angel/saint : 1.2 G
call centre/center : 0 C
disappeared/vanished/gone/dropped from/off the app/map/tracker/system : -1.3 N !
he/she earned/deserved it/every : 1.0 G !
read/reading my/the note/notes/message/messages/comment/comments/instructions : 0 C ~ -1.2 C
mixed/muddled up : -1.0 C
awful/terrible/horrible/horrendous/miserable/foul/filthy weather/night/day/morning : 0 - !
weather was/is awful/terrible/horrible/horrendous/miserable/foul/filthy : 0 - !
motorway/highway/dual at night : 0 S
wrong : -0.8 -
meh : 0 - !
nothing special : 0 - !
# Relief and praise in words of its own: "there in minutes", "zero stress", "Tech was ace".
in/within minutes : 0.45 - !
zero stress/fuss/hassle/drama : 0.6 - !
no harm done : 0.6 - !
everything/all else went/was right/fine/good/great/perfect/spot : 1.0 - !
went right : 0.8 - !
good/great/top/proper laugh : 1.0 G !
ace : 1.2 G
thanks/thank/cheers .. patience : 1.2 G !
# The writer's own state and household are no complaint: "I was a total mess", "kids screaming".
i was/am a/an .. mess/wreck : 0 - !
=i'm a/an .. mess/wreck : 0 - !
kids/kid/children/baby/babies/toddler/toddlers/dog/dogs/wife/husband screaming/crying/barking/yelling/shouting/howling/whining/wailing : 0 - !
# A part of the car that gave up is the breakdown, not a technician who gave up.
battery/alternator/engine/clutch/starter/pump/gearbox/motor/tyre/tire/car .. gave/give/given up : 0 - !
# Complaints told without the usual words.
none of them/it/those true/right/accurate/correct : -1.0 - !
greasy/oily/dirty/grubby/muddy hand*/finger*/print*/smudge*/mark*/footprint* : -1.3 D !
oil/grease/mud on the/my seat/seats/mat/mats/carpet/carpets/upholstery/headliner/steering/wheel : -1.2 D !
with the handbrake on : -1.2 D !
jack .. sank/slipped/collapsed/toppled/slid : -1.3 S !
amazed/surprised/lucky/miracle nobody/noone/no .. hit/killed/crashed/died/ploughed/rear-ended : -1.3 S !
with no lights/hazards/beacons/cones : -1.0 S !
for that kind of money : -1.0 P !
=explain that/this : -0.8 - !
couldn't/couldnt be bothered : -1.2 R !
could not be bothered : -1.2 R !
rolled/rolling/rolls .. eyes : -1.2 R !
lovely/nice/friendly/great/charming with other customers/people/drivers : -1.0 R !
his/her shift ended/finished : -1.0 N !
his/her shift was over : -1.0 N !
go/went/going elsewhere : -1.2 - !
still makes/making/made/has the/that/a/same noise/sound/rattle/knock/squeal : -1.2 F !
not sure what i paid : -1.0 P !
not sure what i was paying : -1.0 P !
that was monday/tuesday/wednesday/thursday/friday/saturday/sunday/yesterday : -1.2 - !
that was last week/month : -1.2 - !
had/have better experiences/times/days/service at/with : -1.2 - !
had more fun at/with : -1.2 - !
not a word about : -1.0 C !
# Polite words that are not praise: "I'll politely ask you not to...".
politely/respectfully ask/request : 0 - !
# Turns and asides that deny nothing: "not that I...", "not where you want to be", "hadn't realised".
not that i/we : 0 - !
not where you/one/anyone want/wants/would/you'd : 0 S !
hadn't/hadnt realised/realized/noticed : 0 - !
not sure why i was/got/am : 0 - !
entirely/totally/completely/wholly/all my fault : 0 - !
entirely/totally/completely/wholly/all my own fault : 0 - !
left it .. late : 0 - !
didn't/didnt/never expect such : 0 - !
# Good news told as a denial: "nobody tried to sell me a new one", "wouldn't take a tip", "no regrets".
nobody/noone tried/pushed to sell/upsell/flog : 0.6 - !
didn't/didnt/never try to sell/upsell/flog : 0.6 - !
wouldn't/wouldnt/didn't/didnt take/accept a/the/my tip/tips : 1.0 G !
refused/refuse a/the/my tip/tips : 1.0 G !
don't/dont/never regret : 1.0 - !
no regrets : 1.0 - !
found me .. anyway : 0.5 - !
would/i'd/we'd have paid double/twice/triple : 1.0 P !
would/i'd/we'd pay double/twice/triple : 1.0 P !
# Asides that are no complaint and no price: "for what it's worth", "Assigned to what, I wonder", "the cancel
# button", "Not sure I'd have managed it" (the writer, not the technician).
for what it's/its worth : 0 - !
i/you/one =wonder/=wondering : 0 - !
=cancel button/buttons/tab/option/link : 0 C !
not sure i'd/i/we'd/anyone/anybody .. managed/coped : 0 - !
=faultless/=flawless : 1.2 -
which/that =lies : 0 - !
worth a rethink/look/try/thought/adding/considering : 0 - !
jack/strap/hook/chain/winch/ratchet mark/marks : -1.2 D !
# Loyalty after a gripe: "Yes, it took 70 minutes. Yes, I'd still call you first".
would/i'd/we'd still call/use/choose/recommend/pick/ring : 1.5 - !
# Complaints told politely, in passing or as plain facts: "Pity about the jack mark", "Kindly ask your drivers not
# to...", "two ruts in it now", "Membership went up 20%", "if you like paying £180 to...", "The spare he fitted was
# flat too", "music blaring".
pity/shame about : -1.0 - !
kindly ask/request : -0.6 - !
=ruts in : -1.0 D !
price/prices/fee/fees/membership/subscription/renewal/premium .. went/gone/goes up : -0.8 P !
if you like/enjoy paying : -1.2 P !
music/radio blaring : -0.8 R !
=blaring : -0.6 R
fitted/fitting .. =flat/=punctured/=bald/=dead : -1.2 F !
# Words that only look like complaints: the car's own gauge "lied", nothing "to moan about", the writer "was
# freezing", a "narrow bend" as the dangerous spot, a rim "checked for cracks", "nothing unreasonable", "proper job"
# (an outcome word, not praise).
gauge/gauges/dashboard/dash/satnav/computer/clock lied/lies/lying : 0 - !
anything/nothing/little to moan/whinge/grumble/complain about : 0.5 - !
can't/cant/cannot moan/grumble/complain : 0.5 - !
was/were/am/i'm/im/we're freezing : 0 - !
narrow/sharp/tight bend/bends : -0.8 S
check*/inspect* .. for =crack/=cracks/=damage/=leaks/=leak/=scratches/=dents : 0 - !
nothing unreasonable/untoward/excessive/outrageous : 0.5 - !
nothing else to report/add/say/mention : 0 - !
=proper job : 1.0 -
"""

RUSSIAN = r"""
# No-show, stall, abandonment
приехал*/приезжал*/доехал*/появил*/явил*/подъехал*/прибыл*/выехал* : 0 - ~ -1.5 N
никого : -1.2 N !
никто не пришел/пришла/пришли/появился/явился : -1.5 N !
ни мастер*/машин*/эвакуатор* : -1.3 N !
ни звонк*/ответ*/смс/сообщени* : -1.2 C !
ни в чем не бывало : 0 - !
нет моего/нашего заказа : -1.2 N !
потеряли заказ/вызов : -1.2 N !
повез*/везти/повезет/отбуксир* : 0 - ~ -1.3 N
до сих пор : -1.0 N
отменил*/отменили/отмен*/отказал*/отказ* : -1.1 N
бросил*/бросили/кинул*/кинули : -1.3 N
бросил*/бросила/бросили трубку : -1.3 C !
исчез*/пропал*/потерял*ся : -1.3 N
завис* : -1.0 N
стоял*/стоит/встал/встала на месте : -1.2 N
едет/ехал/ехала/движется : 0 - ~ -1.2 N
прислал*/прислали/прислать/замен*/заменили : 0 - ~ -1.3 N
переназнач* : -0.8 N
уехал* без : -1.2 N
далеко : -0.6 N
развернул*/развернулся : -1.0 N
другой/другому/другие/другом заказ*/вызов*/клиент* : -1.2 N
ищем/ищет/поиск*/искали/подбор* мастер*/водител*/исполнител*/эвакуатор* : -0.8 N
висел*/висело/повис* : -0.8 N
двига*/двигалась/сдвинул*/шевел* : 0 - ~ -1.2 N
продинамил*/слился/слилась/слились/кинул* : -1.5 N
все/всё еще/ещё тут/здесь/стою/сижу/жду : -1.2 N !
молчал*/замолчал*/пропал* : -1.0 N
от чаевых/денег отказал*/отказался/отказалась : 0.8 - !
отказал*/отказался/отказалась от чаевых/денег : 0.8 - !
всю дорогу/поездку молчал* : 0 - !
всё/все время молчал* : 0 - !
назначили другого/другую/нового : -1.0 N !
всю ночь : -1.2 L
весь вечер/день/день/обед : -1.2 L
дождал*/дождаться/дождешься : 0 - ~ -1.3 N
перестал* отвеча*/отвечать/брать : -1.2 N
# Late
опозд*/опаздыв* : -1.3 L ~ 0.4 -
задерж* : -1.0 L
долго/долгое/долгий/долгим/долгая/долгого/долгих/долговато : -1.0 L ~ 0.4 -
медленн* : -1.0 L ~ 0.4 -
вечность/бесконечно : -1.3 L
наконец/наконец-то : -0.6 L
пришлось/придется подождать/постоять : -0.9 L !
можно было .. побыстрее/быстрее/пораньше/оперативнее : -0.9 L !
позже/позднее : -0.8 L
ждал*/жду/ждет/ждем/ждать/ожидани*/прожд*/подожд*/дожида*/ждали : -0.6 L ~ 0.5 -
ждать/ожидани* .. долг*/долговато : -1.2 L
дождался/дождалась/дождались пока/когда : 0.8 G !
на следующий день : -0.8 L
вовремя/пунктуальн* : 1.0 - ~ -1.2 L
быстр*/оперативн*/моментальн*/мгновенн*/шустр*/пулей : 1.0 - ~ -1.0 L
качественн* : 1.0 G ~ -1.0 F
сразу/раньше : 0.6 -
# Rude
груб*/нагруб*/хам*/нахам*/хамоват*/нагл*/невоспитан*/невежлив*/непрофессионал* : -1.5 R
=орал/=орала/=орет/=наорал/=наорала/наор*/крича*/накрич*/кричал* : -1.4 R
материл*/матом/матерился/матерясь/мат : -1.3 R
обозвал*/оскорб*/унизил*/унижал* : -1.5 R
послал*/послали меня/нас : -1.3 R
свысока/пренебреж*/сарказм*/снисходит*/высокомер*/презрит* : -1.2 R
через губу : -1.2 R
плевать/наплевать/начхать : -1.2 R
разговаривал*/говорил*/общал* со мной как : -1.2 R !
потише/тише : 0 - !
не моя/мое/моё/его/ее/её/их проблема/дело/забота : -1.2 R !
обращал*/обращаются/обращается .. как : -1.2 R !
угрюм*/нетерпелив*/хмур* : -1.1 R
испортил*/испортили день/настроение/вечер : -1.0 - !
без того : 0 - !
женщин*/бабам/баба за рулем : -1.2 R !
женщинам нельзя : -1.2 R !
буркнул*/рявкнул*/гаркнул* : -1.2 R
выставил*/выставила меня/нас : -1.1 R !
разговаривал*/говорил* : 0 - ~ -0.6 R
пьян*/перегар*/выпивш* : -1.5 S
курил*/курит : -0.8 R
закатыв*/раздраж*/огрыза*/грубиян* : -1.0 R
агресс*/нервн*/психова*/хлопнул*/хлопать/хлопал*/шуточк*/подшучива*/сексис*/недопустим*/ныть/ноешь/поторап* : -1.2 R
как с ребенком/дурой/дураком/идиотом/идиоткой : -1.2 R
неприятн* : -1.0 R
торопил*/подгоня* : -0.6 R
односложно : -0.5 R
обвинил*/обвиня*/виноват* : -0.8 R
сама/сам виновата/виноват/дурак/дура/балда/идиот/идиотка/лопух/растяпа : 0 - !
сказал*/заявил*/намекнул* .. сама/сам виновата/виноват : -1.2 R !
помогать/помочь/работать/делать .. не рвался/рвалась/хотел/хотела/спешил/спешила : -1.0 - !
дура/дурак/дурой/дураком/идиот*/тупой/тупая/тупым/тупица/дебил*/кретин*/овца/баба : -1.2 R
бурча*/бурчал*/ворча*/ворчал*/отмахнул*/отмахива*/неприветлив*/нахал*/хамск*/безразлич*/равнодуш*/пофиг*/наплевательск*/ленив*/лень/недовольн* : -1.1 R
посмеялся/посмеялась/посмеяться/посмеива*/смеял*/насмеха*/издева*/ухмыл*/хихика* : -1.2 R
крикнул*/рявкнул*/прикрикнул* : -1.2 R
не смешно : -1.0 - !
приставал*/домогал*/пошлост*/пошл*/клеил*ся : -1.4 R
здрасьте/здравствуйте/поздорова*/поздоровал*/попрощал*/представил*/представился : 0 - ~ -0.8 R
приветлив*/дружелюбн*/весел*/веселый/позитивн*/улыбчив*/обходительн* : 0.9 G ~ -1.1 R
вежлив*/учтив*/корректн*/тактичн* : 1.0 G ~ -1.2 R
приятн*/=добр/=добра/=добры/добрый/добрая/добрые/доброго/доброй/добрейш*/добросовест*/добродуш*/доброжелат*/отзывчив*/терпелив*/спокойн*/милый/милая : 0.8 G ~ -1.0 R
дотошн*/внимательн*/скрупулезн*/обстоятельн* : 1.0 G ~ -1.0 -
не ваша/ваш/их/его вина : 0 - !
не страшно/критично : 0 - !
ничего страшного/особенного : 0 - !
все/всё просто : 0.6 -
не дождешься/допросишься/дозовешься : -1.0 - !
живого человека/оператора : -1.0 C
перепутал*/напутал* : -1.0 C
прочитал*/читал*/прочел/прочла комментари*/заметк*/сообщени*/примечани* : 0 C ~ -1.2 C
не работал*/работали аварийк*/фар*/огни/мигалк*/габарит* : -1.2 S !
аварийк*/фар*/огни/мигалк*/габарит* не работал*/работали : -1.2 S !
ночью на трассе/обочине : 0 S !
на трассе/обочине ночью : 0 S !
погода жуть/ужасная/ужасн*/кошмар*/мерзк*/отвратит*/жесть : 0 - !
ужасный/кошмарный/тяжелый/тяжёлый день/вечер : 0 - !
профессионал*/профи : 1.0 G ~ -1.0 R
извинил*/извини*/извинени* : 0 - ~ -0.6 -
# Not fixed
почин*/отремонт*/исправ*/устранил*/устранили/решил*/решили/решен*/решена/починили : 0.8 - ~ -1.3 F
завел*/завёл*/заведет*/завест*/заводит*/заводил*/заводится/завелась/завелся/завести : 0.4 - ~ -1.3 F
открыл*/открыли/открыть/вскрыл*/вскрыть/открыт* : 0.4 - ~ -1.3 F
помог*/помочь/помощь : 0.8 - ~ -1.2 F
сделал*/сделали/сделать : 0.5 - ~ -1.2 F
=сделано : 0.3 - ~ -1.2 F
работа*/работает : 0 - ~ -1.2 F
заряди*/зарядил*/зарядился : 0 - ~ -1.2 F
заклеил*/заклеили/заклеить : 0.5 - ~ -1.2 F
заглох*/глохнет : 0 -
заглох*/сдох*/умер*/спустил*/сел/села/разрядил* через/назавтра/наутро/утром/вечером : -1.2 F
заглох*/сдох*/умер*/спустил*/сел/села/разрядил* по дороге домой/обратно : -1.2 F
уехал*/уехала/уехали не проверив/дождавшись/убедившись : -1.2 N !
и/потом/затем/опять/снова .. заглох*/сдох*/умер*/заглохл* : -1.2 F
снова/опять заглох*/спустил*/сел/села/сломал*/потек* : -1.3 F
заглох*/спустил*/сел/села/сдох*/сломал*/потек* снова/опять : -1.3 F
сдох*/сдохла/умер/умерла : 0 -
хватило/хватит/продержал*/проработал* до/на : -1.0 F !
спустил*/спущен* : 0 -
травит/травят/травило : -0.8 F
халтур* : -1.3 F
не дотянул*/докрутил*/затянул* : -1.2 F !
разболтал*/болтается/болталось/болтался/болталась/болтаются/шатается : -1.0 F
просто подкачал*/подкачали : -1.0 F !
включает/включается/включил* передач* : 0 - ~ -1.2 F
крути*/крутит/схватывает/схватил* : 0 - ~ -1.3 F
хватил*/хватило/хватит/хватает : 0 - ~ -1.0 F
все/всё равно не : -1.1 F !
ничего не смог*/может/мог/сделал*/сделали : -1.2 F !
сдался/сдалась/сдались : -1.0 F
так и закрыт*/заблокирован*/стоит : -1.2 F !
криво/косяк*/накосячил*/напортачил* : -1.2 F
спущенн*/пустую/пробит* запаск* : -1.2 F
запаск* .. спущенн*/пустую/пробит*/лысую : -1.2 F
решил*/устранил* .. проблем*/неисправност*/причин*/поломк* : 0.6 - !
стало/только хуже : -1.3 F !
развел*/развёл* руками : -1.0 F
толку ноль/никакого/нет : -1.2 F !
проблем* остал*/осталась/никуда : -1.2 F
тот/того/той/та/ту же аккумулятор*/проблем*/колес*/поломк* : -1.0 F
второй/третий/четвертый раз за : -0.6 F
продержит*/продержал*/продержалось/держит : 0 - ~ -1.2 F
справил*/справит*/справиться : 0 - ~ -1.2 F
без толку/толку : -1.2 F !
бестолк* : -1.2 F
другую/другой/другого службу/сервис/эвакуатор/мастера/компанию : -0.8 F
не тем/том/то/тот/той/та топлив*/бензин*/колесо/колесом/ключ*/диск*/бензином/дизелем/соляркой : -1.3 F !
не тем/то/тот/той/те/того/туда : -1.0 F !
бензин*/дизел*/солярк* вместо бензин*/дизел*/солярк* : -1.3 F !
вдвое/втрое дороже/больше : -1.2 P !
в два/три раза дороже/больше : -1.2 P !
зря : -0.8 -
# Damage
поцарап*/царап*/оцарап*/исцарап* : -1.5 D ~ 0.3 -
помял*/помяли/помят*/вмят*/вмял*/смял*/смяли : -1.5 D
сломал/сломали/сломан*/слома/сломано : -1.3 D
сломалась/сломался/сломалось : 0 - !
разбил*/разбит*/разбили : -1.5 D
повред*/поврежд* : -1.5 D ~ 0.3 -
погнул*/погнут*/согнул* : -1.4 D
сорвал*/сорвали/содрал* краск*/резьб*/номер* : -1.3 D
сорвал*/сорвали : -1.2 D
порвал*/порвали/порван*/оторвал*/вырвал* : -1.2 D
=скол/=сколы/=скола/=сколов/=сколами : -1.2 D
потек*/течь/течет/подтек* : -1.0 D
уронил*/уронили : -1.5 D
ударил*/ударили/удар : -0.8 D
испачкал*/грязн*/грязь/заляпал* : -0.8 D
трещин*/треснул* : -1.3 D
оставил*/оставили след*/отметин* : -1.0 D
следы/следов : -0.6 D
облил*/залил* салон/сиден*/машину/все/всё : -1.0 D
воня*/вонь/пахнет/провоня* : -0.9 D
шаркнул*/хрустнул*/хрустел*/=пятно/=пятна/=пятнами/=пятен/=пятном/жирн* : -1.0 D
такого не было : -1.0 D !
до этого был*/все было целое/целым : -1.0 D !
борозд*/откатил*/откатилась : -1.3 D
в масле/мазуте/грязи : -1.0 D
ободрал*/ободрали/поцарапан* : -1.3 D
висит/болтается : -0.8 D
без единой/одной царапин* : 1.0 - !
потерт*/затерт*/потертост*/покоцал*/покоцан*/ободр*/отломал*/отлом*/разворотил*/выдрал*/испортил*/уничтож*/ушатал*/изуродовал*/раскурочил* : -1.3 D
потеряли : -0.9 D
бордюр* : -0.6 D
украл*/украли/кража/пропали : -1.5 -
# Price
=цена/=цены/=цену/=ценой/=цене/=ценам/=ценами/ценник*/стоимост*/тариф*/деньги/денег/оплат*/заплатил*/заплатила/платить/плачу/платим/платеж*/рубл*/=руб/тысяч*/подписк*/страховк*/пробег*/километраж* : 0 P
фиксированн* цен*/стоимост*/тариф* : 0 P !
цена/цены/стоимость выросл*/подскочил*/поднял*/увеличил* : -1.0 P
подорожал*/подняли : -0.8 P
кусается/кусачая/кусачие/кусач* : -0.8 P
другую/другая/иную цен*/сумм* : -1.0 P
=дорого/=дорогой/=дорогая/=дорогие/=дорогое/=дорогую/=дороже/=дорогим : -1.2 P ~ 0.6 P
дороговат* : -0.8 P
переплат* : -1.3 P
обман*/обманул*/развод*/развели/кинули : -1.3 P
содрал*/содрали/втридорога/конск*/космос/космическ*/грабеж*/грабит*/обдирал*/обдираловк* : -1.4 P
доплат*/наценк*/накрут*/накинул*/накинули/наценили : -1.0 P
списал*/списали/списание : -0.8 P
списал*/списали/сняли .. дважды/два/повторно : -1.3 P !
нарисовал*/накрутил* .. =счет/=счете/=счета/=чеке/=чек : -1.2 P !
прошу/просим разобраться : -1.0 - !
разберитесь : -1.0 - !
смущает/смущало/смутил*/смутила : -0.6 -
невезени*/невезуч* : 0 - !
не повезло : 0 - !
навязал*/навязали/навязыва* : -1.0 P
ерунд*/фигн* : -1.0 -
можно было купить : -1.0 P !
меньше чем ожидал*/думал* : 1.0 P !
свободн* машин*/эвакуатор*/мастер*/водител* : 0 - ~ -1.2 N
насчитали/насчитал*/лишнее/лишние/сверху : -0.9 P
возврат*/вернуть/возвращать/вернули деньги/денег : -0.8 P !
покрыл*/покрыва*/покроет : 0.5 P ~ -0.8 P
ни копейки/рубля : 1.0 P !
бесплатн* : 1.0 P ~ -0.6 P
сбор/сбора/сбором : -0.6 P
=плата/=плату/=платы/=платой/выставил*/выставили/оплач* : 0 P
все/всё равно выставили/взяли/списали/заплатил*/платить : -1.2 P !
штраф* : -1.0 P
за отмену : -1.0 P !
соотношени* цен* : 1.0 P
цена/цены/стоимость разумн*/адекватн*/нормальн*/приемлем*/хорош*/божеск*/отличн*/приятн* : 1.0 P !
окупил*/окупает* : 1.2 P
надули/надул/лохотрон*/завышен*/драть/дерут/нажива*/жадн* : -1.3 P
без сюрпризов : 0.8 - !
скрыт* платеж*/доплат*/комисси* : -1.2 P
недорог*/дешев*/дешёв*/доступн*/бюджетн* : 1.0 P
адекватн*/нормальн*/хорош*/приятн*/разумн*/честн*/демократичн*/отличн* цен*/=цена/стоимост* : 1.0 P
стоило того : 1.0 P
того стоило : 1.0 P
стоит своих денег : 1.0 P
# Communication
уведомлен*/пуш*/смс/sms/сообщени*/оповещени*/чат*/трекер*/эсэмэс*/=push : 0 C ~ -1.2 C
а его не было/нет : -1.2 C !
дозвон*/дозвониться : 0 C ~ -1.4 C
недозвон* : -1.3 C
трубк*/звонк*/звонил*/позвонил* : 0 - ~ -1.2 C
перезвон*/перезванива* : 0 C ~ -1.2 C
позвонил*/звонил* заранее : 0 C
сказал*/сказали/обещал*/обещали/предупредил*/предупредили по телефону : 0 C
по телефону сказал*/сказали/обещал*/обещали/предупредил*/предупредили : 0 C
на связи : 0.5 C ~ -1.2 C
диспетчер*/оператор*/поддержк*/колл-центр* : 0 C
на карте/карту : 0 C ~ -1.0 C
приложени* показывал*/показало/показывает/писал*/обещал*/говорил* : 0 C
в приложении обещали/показывал*/писал*/висел*/было/стоял*/пишет : 0 C
пуш*/уведомлени*/смс/статус* .. прибыл*/приехал*/подъехал*/выполнен*/завершен* : -1.2 N
приложени*/трекер* показывал*/показывает/показало/пишет/написал*/написано .. прибыл*/приехал*/выполнен*/завершен* : -1.2 N
пуш*/уведомлени*/смс/статус* .. =месте : -1.2 N
приложени*/трекер* показывал*/показывает/показало .. прибыл*/=месте/выполнен*/завершен* : -1.2 N
разн*/противоречив* врем*/срок*/информаци* : -1.0 C
дольше/позже/позднее чем .. показывал*/показало/обещал*/обещали/сказал*/сказали/писал*/говорил* : -1.0 L
говорил*/говорит/разговаривал*/понима* .. по-русски/по-английски/русском/английском/языке : 0 C ~ -0.8 C
сколько стоит/стоила/будет : 0 P !
спасибо/благодарю за лекцию/нотации/нравоучени*/урок : -1.2 R !
выставил*/поставил* знак*/конус*/треугольник* : 0 S !
мутн* тип*/мужик*/водител*/мастер* : -1.0 S
не отвечал*/отвечает/ответил* на .. вопрос* : -1.3 R !
ответ*/отвеча*/ответил* : 0 - ~ -1.2 C
связ*/связаться : 0 - ~ -1.2 C
информаци*/инфы/инфо : 0 - ~ -1.2 C
предупред*/предупрежд*/сообщил*/сообщили/оповест*/уведомил* : 0 - ~ -1.0 C
тишина : -0.8 C
сбрасывал*/сбросил*/скидывал*/скинул* звонок/звонки/вызов/трубку : -1.2 C !
объяснить/объяснили/объяснил .. никто не смог/смогли/мог/стал : -1.0 - !
в/на приложении/карте не видно/видна/видны/видел*/отображал*/отображается : -1.0 C !
очеред* : 0 C
на удержании : -1.0 C
висел*/висела/ждал*/ждала на линии : -1.0 C !
на линии : 0 C
переключа* : -0.8 C
время прибытия : 0 C
пришл*/приходил*/приходят/приходит/пришел/пришло : 0 - ~ -1.2 C
уведомлен*/пуш*/смс/сообщени* .. не пришл*/приходил*/пришло/приходят : -1.3 C !
понима*/понял* : 0 - ~ -0.8 C
объяснил*/объяснили/объясни*/подсказал* : 0.8 G ~ -0.8 C
меняли/менялось : -0.5 C
приложени* завис*/зависло/висит/виснет/вылетает/вылетело : -0.9 C !
обновлени*/уведомлени*/сообщени* прекратил*/перестал* : -1.2 C !
обновлял*/обновился/обновилось/обновилась/обновляется : 0 C ~ -1.2 C
вылета*/вылетел*/глюч*/глюк*/лага*/тормозит/виснет/зависает/=баг/=баги/=багов/сбой*/выкидыва*/выкинул*/разлогин* : -0.9 C
шаблонн*/отписк*/бот/робот*/чат-бот*/автоответ* : -0.9 C
по бумажке : -0.8 C
нов*/разн* истори*/версии : -1.0 C
написано/отметили/стоит выполнен*/завершен*/исполнен* : -1.2 N
на карте видно : 0.8 C !
видно .. на карте : 0.8 C
минута в минуту : 1.0 - !
все/всё правильно : 0.8 - !
по кругу : -0.8 C
не связывайтесь/связывайся/обращайтесь : -1.3 - !
правду/правда/врут/врали/вранье/соврал* : -0.6 C
чуж*/чужой/чужом : -0.8 C
не имеет отношения : -0.8 C !
другом/другой/другого город*/улиц*/район* : -1.0 C
пришлось .. объяснять/звонить/повторять/названивать/дозваниваться : -1.0 C !
отслежива*/геолокац* : 0 C ~ -1.0 C
ссылк*/сайт* : 0 C ~ -1.0 C
совпада*/совпало/сходил*ся : 0 - ~ -1.0 C
нашел/нашли/найти/найдет/нашёл/находил : 0 - ~ -1.0 C
заблудил*/плутал* : -1.0 C
не тот/туда адрес* : -1.0 C !
не на ту/тот/то развязк*/съезд*/улиц*/адрес*/место/сторону : -1.0 C !
в курсе : 1.0 C ~ -1.0 C
ценю/ценим/ценят : 1.0 G
поинтересовал*/спросил* : 0 - ~ -0.6 C
обратн* связ* : 0 C ~ -1.3 C
# Safety
безопасн*/безопасности : 1.0 S ~ -1.3 S
небезопасн*/опасн*/рискован* : -1.5 S
=авария/=аварию/=аварии/=аварией/дтп/столкновени* : -1.0 S
неуютно/некомфортно/неуютн*/выспрашивал*/приставал* : -1.1 S
страшн*/страшно/боял*/побоял*/испуга*/жутко/жуть/напуган* : -1.3 S
сбил*/сбить/сбили : -1.0 S
конус*/знак/знака/аварийк*/треугольник*/жилет*/светоотраж*/фонар*/кресл* : 0 S ~ -1.2 S
в темноте : -0.5 S
железнодорожн*/ж/д переезд* : 0 S !
на переезде : 0 S !
тоннел*/туннел* : 0 S
мороз* .. ребенк*/ребенком/детьми/дети/малыш* : -0.8 S
ребенк*/детьми/дети/малыш* .. мороз* : -0.8 S
фуры/фур/фурами : -0.5 S
обочин* : 0 S
гнал/гнала/гнали/лихач*/превыш* : -1.3 S
встречк*/встречной : -1.5 S
за рулем : -0.6 S
без огней/света/фар/аварийки : -1.2 S !
средн* ряд*/полос* : -0.8 S
измотан*/зевал*/засыпал*/уставш*/сонн* : -1.0 S
не по себе : -1.0 S !
переживал*/переживать/волновал* : -0.5 S ~ 0.5 S
переписыва*/переписывал*/залипал* в телефон* : -1.3 S
телефон* за рулем : -1.3 S
проезжей части/части : -0.8 S
мигалк* : 0.3 S
аварийн* огн* : 0.3 S
за отбойник*/ограждени*/ограду : 0.8 S
спокойно было/мне : 0.8 S
снес*/снесли/сбил* : -1.0 S
ждал*/ждала/остал*/побыл* со мной/нами : 0.8 - !
попросил*/сказал*/предложил* подождать/ждать/постоять : 0 - !
аккуратн*/бережн*/осторожн* : 1.0 G ~ -1.0 D
# Praise and plain words of feeling
спасиб*/благодар* : 1.0 G ~ -0.8 -
спасибо за ничего : -1.5 - !
# Sarcastic thanks: "Ну спасибо", "спасибо, что хоть к вечеру приехали".
ну спасибо : -1.0 - !
спасибо что хоть/хотя : -1.2 - !
отличн*/превосходн*/замечательн*/прекрасн*/великолепн*/шикарн*/супер/идеальн*/восхитит*/огромн*/исключительн* : 1.2 G ~ -0.8 -
что еще надо/нужно/желать : 1.2 G !
плавно : 0.6 S
класс/классно/классный/круто/крутой/топ/огонь/чудо : 1.0 G ~ -0.8 -
молодец/молодцы/красав*/красавчик/умничк*/умница/герой/золото/звезда/джентльмен*/респект*/уважуха/лайк : 1.2 G
так держать : 1.2 G !
чудес/чуда не ждал*/ждешь/жду : 0 - !
потребовал*/требовал*/просил* наличн*/налом/кэш : -1.0 P !
сверх подписки/тарифа/страховки : -1.0 P !
возился/провозился/копался/ковырялся/провозилась час/=часа/полчаса/полдня : -1.2 L !
называл*/назвал* меня : -1.0 R
познавательно/поучительно : -0.8 R
вечно/постоянно висит/виснет/зависает/тормозит/вылетает/глючит : -0.9 C !
номер телефона : 0 - !
оплату/оплата/оплатить/оплачивать картой/наличными : 0 - !
=сказал/=сказали/=сказала : 0 - ~ -1.0 C
поблагодар* : 1.0 G
ожидал*/думал*/боял* худшего/хуже : 0 - !
ни хорошо/плохо/быстро/медленно/долго ни хорошо/плохо/быстро/медленно/долго : 0 - !
отчитал*/отчитыва*/поучал*/нотаци* : -1.2 R
запутанн*/неудобоваримо : -0.9 -
то что нужно/надо : 1.0 - !
без суеты/нервов/лишних : 0.6 - !
это так сложно/трудно : -1.0 - !
второй/повторный выезд/вызов : -0.8 F
десять из десяти : 1.2 G !
все/всё/прошло спокойно : 0.5 - !
на высоте : 1.2 G !
заботлив*/позаботил*/забот* : 1.0 G ~ -1.0 -
надежн* : 1.0 - ~ -1.0 -
придраться не к чему : 1.2 - !
не к чему придраться : 1.2 - !
буду/будем обращаться/обращусь : 1.0 - ~ -1.2 -
5 звезд : 1.0 G !
пять звезд : 1.0 G !
без замечаний : 1.2 - !
не взял*/возьмет/возьмёт/взяли денег/деньги/ни копейки/оплату : 1.0 P !
денег/деньги не взял*/возьмет/возьмёт/взяли : 1.0 P !
взяли/взял/списали/насчитали/содрали на .. больше/дороже : -1.2 P
задел*/зацепил* бампер*/двер*/машин*/диск*/крыл*/зеркал* : -1.2 D
знак*/конус*/треугольник* не выставил*/поставил*/выставили/поставили : -1.2 S !
тревожн* : -1.0 S
ошибк* приложени*/в приложении : -0.9 C !
впечатл*/восторг*/душевн* : 1.0 G ~ -1.0 -
разрядил* обстановк* : 1.0 G !
больше чем нужно/нужного/положено/обычного/надо : 1.0 G !
не придумаешь/пожелаешь : 1.2 G !
проводил*/довез*/довезли : 0.4 -
рекоменд*/советую : 1.2 - ~ -1.2 -
хорош*/хорошо : 0.8 - ~ -0.8 -
нормально/нормальн*/норм/пойдет/средне : 0 - ~ -0.8 -
неплох* : 0.6 - ~ -0.8 -
=лучше : 0.8 - ~ -0.8 -
лучше не бывает/придумаешь : 1.2 - !
лучше и быть не может/могло : 1.2 - !
не могло/может/мог/могли быть/сделать лучше : 1.2 - !
# Only denied: "ни разу не подвели" ("аккумулятор подвёл" is the breakdown).
не подвел*/подвёл*/подвод* : 0.8 - !
лучший/лучшая/лучшее/лучшие/лучшего/лучшей/лучшему/лучшим/лучшую/лучшими/лучших : 1.2 G ~ -0.8 -
выручил*/выручили/выручи*/спас*/спасли : 1.2 G
доволен/довольна/довольны/доволь* : 1.0 G ~ -1.0 -
понравил*/нравит*/порадовал*/удобн* : 1.0 - ~ -1.0 -
приятно удивил*/удивлен*/удивлена : 1.0 - !
ужас как/какой/какая : 0 - !
золотые руки : 1.5 G
четко/чётко/четк*/слаженн* : 0.8 G
гладко : 0.8 -
толков*/грамотн*/компетент*/знающ* : 1.0 G
претензий/нареканий/жалоб нет/никаких : 1.2 - !
без претензий/нареканий/проблем : 1.2 - !
ни одной проблемы : 1.2 - !
не первый раз : 0.3 - !
плохо/плох*/хуже/худш* : -1.0 - ~ 0.6 -
ужасн*/ужас/отвратит*/кошмар*/позор*/безобраз*/издевательств*/бесполезн*/отстой/жесть/бардак/разочаров*/возмутит*/некомпетент*/безответствен*/отврат*/безумие/безумн*/абсурд*/бред/дичь/треш/трэш/капец/пипец/фигня/хрень/кошмарн*/возмущ*/бесит/бесят/злость/зол/обидн*/нервы/неадекват* : -1.3 -
больше никогда : -1.5 - !
ненормально : -1.0 -
неудобн*/жаль/обидно : -0.6 -
проблем*/неприятност* : -0.5 - ~ 0.3 -
# Praise and relief in words of their own: "дай бог здоровья", "Низкий поклон", "Не угадал".
дай бог здоровья : 1.2 G !
храни вас/тебя/его/их бог/господь : 1.2 G !
низкий поклон : 1.2 G !
душевн* : 1.0 G
не угадал/угадала/угадали : 0.5 - !
ни одного/единого косяка : 0.8 - !
претензий/нареканий/жалоб/косяков ноль : 1.2 - !
# Complaints told without the usual words.
как с дурочкой/дурачком/маленькой/маленьким/школьником/школьницей/дебилом : -1.3 R
будто/словно я .. первый/впервые : -1.2 R !
ни жив*/жива ни мертв* : -1.3 S !
руль/рулил/рулем/рулём .. одной рукой : -1.2 S !
докатк*/запаск* .. спущен*/спущенн*/пуст*/лыс* : -1.3 F !
приехали называется : -1.0 - !
губ*/бампер*/юбк*/обвес*/зеркал*/фар*/диск*/крыл* .. хлам/вдребезги/всмятку : -1.3 D !
в хлам : -1.0 -
за такие деньги : -1.0 P !
возврат*/возврата : 0 P
закатил*/закатыва*/закатила .. глаза : -1.2 R !
нормальные люди такое/такие/так/такую не : -1.2 R !
смена кончил*/закончил*/кончается/заканчивается : -1.0 N !
выгрузил/выгрузили/выгрузила/высадил/высадили меня : -1.0 N !
на месте не было : -1.2 N !
его/её/ее/их там не было : -1.2 N !
про/о/об .. ни слова : -1.0 C !
уже новый вызов/заказ : -1.0 P !
всё/все равно пришлось .. менять/чинить/ремонтировать/вез*/эваку*/шиномонтаж* : -1.0 F !
поставил/поставили/поставила то/тот/ту же : -1.0 F !
на литье/дисках/диске/дисках .. полосы/следы/царапины : -1.2 D !
курил/курить/курит/курили/накурил в машине/салоне : -1.2 - !
не сказать/скажу что/чтобы .. восторг*/доволен/довольна : -1.0 - !
спасибо конечно что : -0.6 - !
# Polite words that are not praise: "Вежливо попрошу не курить в машине".
вежливо попрош*/прошу : 0 - !
# The writer's own mix-up: "я далеко не первая, кто перепутал дизель с бензином".
я/кто перепутал/перепутала .. дизель/бензин/топливо/солярк*/заправк* : 0 - !
# Turns and asides that deny nothing: "не то чтобы", "далеко не первый", "я зря паниковал".
не то чтобы/чтоб : 0 - !
далеко не : 0 - !
зря паниковал*/волновал*/переживал*/боял*/нервничал*/беспокоил*/психовал* : 0.5 - !
не ожидал/ожидала/ожидали от .. такой/такого/таких/такую : 0 - !
не ожидал/ожидала/ожидали .. такой/такого/таких/такую деликатн*/тактичн*/заботы/вежливост*/аккуратност*/оперативност*/скорости : 1.0 G !
# Good news told as a denial: "ничуть не жалею", "снижать оценку не за что", "комар носа не подточит".
ничуть/нисколько/капли/разу/секунду не жалею/пожалел*/жалела/жалел : 1.0 - !
не жалею/пожалел*/пожалела/пожалели : 1.0 - !
оценку не за что : 1.0 - !
ругать/снижать/упрекнуть не за что : 1.0 - !
носа не подточит : 1.0 - !
деликатн*/тактичн* : 1.0 G
не взял/взяла/брал/брала/взяли чаевые/чаевых : 1.0 G !
от чаевых отказал* : 1.0 G !
заплатил/заплатила/заплатили/отдал/отдала бы и вдвое/втрое/больше : 1.0 P !
бы заплатил/заплатила/заплатили/отдал/отдала и/даже вдвое/втрое/больше : 1.0 P !
# Idioms of praise and asides: "цены бы вам не было", "кнопка «Отменить вызов»", "Больше и не надо было",
# "не помню, когда последний раз так радовался".
=цены бы .. не было : 1.2 G !
вам/тебе/ему/ей/им =цены =нет : 1.2 G !
кнопк* .. отмен* : 0 C !
больше и не надо/нужно/требовалось : 0.4 - !
# A fear word with its intensifier is one fear: "Испугалась жутко", "жутко перепугался".
испуга*/перепуга*/напуга* жутко/сильно/очень/страшно : -1.3 S !
жутко/сильно/очень/страшно испуга*/перепуга*/напуга* : -1.3 S !
не помню/припомню когда/чтобы : 0 - !
=радовался/=радовалась/=радовались/обрадовал* : 1.0 -
# Plain-fact complaints: "тоже оказалась спущенной", "мастер, как выяснилось, обедал", "отправил машину на другой
# конец города".
тоже оказал* спущен*/пробит*/пуст*/дыряв*/сломан*/разряжен* : -1.2 F !
=обедал/=обедала/=обедали : -1.0 N
хотя бы со/с второго/третьего/пятого/десятого раза : -1.2 - !
отправил*/послал*/отправили/послали .. на другой конец : -1.0 C !
# A fear the writer calls unfounded, before or after it: "Зря я боялся", "Волновалась зря", "напрасно переживал".
зря/напрасно .. боял*/волновал*/переживал*/нервничал*/беспокоил*/паниковал*/психовал* : 0.5 - !
боял*/волновал*/переживал*/нервничал*/беспокоил*/паниковал*/психовал* зря/напрасно : 0.5 - !
# Words that only look like complaints: laughing together ("Посмеялись, завели") unlike laughing at someone, a
# battery that "долго не протянет" (its life, not a wait), "оно того стоит", an accident that caused the delay,
# the wait as the time something else happened ("пока я ждал"), a rim "проверил на трещины".
посмеял*/смеял*/насмеха* над/надо : -1.2 R !
=посмеялись : 0.3 - !
долго не протянет/прослужит/проживет/продержится/проходит/проездит : 0 - !
того стоит/стоят : 1.0 P ~ -1.0 P
стоит того : 1.0 P ~ -1.0 P
из-за аварии/дтп/аварий : 0 - !
пока .. ждал/ждала/ждали/жду/ждем : 0 - !
провер* на трещин*/повреждени*/утечк*/царапин* : 0 - !
"""

OTHER = r"""
niemand/nadie/personne/nessuno/nikt/kukaan : -1.2 N
impoli/unhöflich/unfreundlich/respektlos/grosero/maleducato/niegrzeczny/irrespetuoso : -1.3 R
danke/gracias/merci/grazie/kiitos/dziękuję/dziekuje/obrigado/tack/dank/дякую/дякуємо : 1.0 G
швидко/швидка/добре : 0.8 -
schnell/freundlich/rápido/rapido/amable/ottimo/excelente/gut/bien/nopea*/nopeasta/bravo/super : 0.8 G
довго : -1.0 L
pitkä/pitkään : -0.8 L
niemand .. angerufen/zurückgerufen/geantwortet/gemeldet : -1.2 C !
odot* : -0.6 L
ei kiitos : -1.0 - !
tunti : -0.8 L
чекали/чекав/чекала : -0.6 L
unmöglich/schlecht/impoli/mal/lento/terrible/huono/pessimo/schrecklich/langsam : -1.2 -
gewartet/odotin/esperé/attendu/czekałem/czekałam : -0.8 L
stunden/horas/heures/tuntia/godziny/ore/години/годин/годину : -0.8 L
porysował*/rayé/dañado/danneggiato : -1.3 D
молодець/молодці : 1.2 G
nicht mal/einmal .. trinkgeld : 1.0 G !
kein/keine trinkgeld : 1.0 G !
# German at more length: Liechtenstein's drivers write it (a gist still: the language is "other")
unhöflich*/unfreundlich*/respektlos*/frech/frecher/freche/pampig*/patzig*/angeschrien/angebrüllt/angeschnauzt : -1.3 R
beleidigt/beleidigend : -1.3 R
zerkratzt/verkratzt/kratzer/kratzern/delle/dellen/verbeult/beschädigt*/beschädigung*/beschädigte* : -1.3 D
kaputt gemacht/kaputtgemacht/abgerissen/abgebrochen/zerbrochen : -1.3 D
teuer/teurer/überteuert/abzocke/abgezockt/wucher/wucherpreis* : -1.2 P ~ 0.5 P
preis/preise/rechnung/kosten : 0 P !
kam/kamen/gekommen/erschienen/aufgetaucht/da : 0 - ~ -1.5 N
niemand kam/erschienen/gekommen : -1.5 N !
storniert*/abgesagt : -1.0 N
verspät* : -1.2 L
zu spät : -1.2 L !
ewig/ewigkeit/ewigkeiten : -1.2 L
lange : -0.8 L ~ 0.4 -
warten/wartezeit : -0.6 L ~ 0.5 -
gelöst/behoben/repariert/funktioniert/geholfen/geschafft : 0 - ~ -1.3 F
springt/sprang/läuft/lief .. nicht : -1.3 F !
immer noch/wieder kaputt/defekt : -1.3 F !
info/infos/information/informationen/rückmeldung/rückruf/nachricht/bescheid/anruf : 0 - ~ -1.2 C
informiert/benachrichtigt/angerufen/zurückgerufen/gemeldet/erreichbar : 0 - ~ -1.2 C
gefährlich/unsicher/gefährdet/lebensgefährlich : -1.3 S
toll/prima/klasse/hervorragend/ausgezeichnet/perfekt/spitze/professionell/kompetent/hilfsbereit : 1.0 G
zuverlässig/pünktlich/zufrieden/empfehlenswert : 1.0 G ~ -1.2 -
empfehlen : 0.8 G ~ -1.2 -
katastrophe/katastrophal/enttäuscht/enttäuschend/ärgerlich/frechheit/unzufrieden/miserabel/mies : -1.3 -
"""


def word_set(text: str) -> frozenset[str]:
    """The words of `text`, separated by white space."""
    return frozenset(text.split())


# A question that starts so is a complaint: "why am I paying for mileage?", "зачем тогда приезжал?".
QUESTION_COMPLAINTS = frozenset({"why", "почему", "зачем", "какого", "wtf"})

# Emoji and emoticons, each worth this on its own.
EMOJI = {
    "👍": 1.0,
    "👌": 1.0,
    "👏": 1.0,
    "🙏": 1.0,
    "❤": 1.0,
    "😊": 1.0,
    "🙂": 0.6,
    "😀": 1.0,
    "😃": 1.0,
    "😍": 1.2,
    "🔥": 0.8,
    "💯": 1.0,
    "⭐": 0.8,
    "👎": -1.2,
    "😡": -1.5,
    "🤬": -1.5,
    "😠": -1.3,
    "😤": -1.0,
    "😞": -1.0,
    "😢": -1.0,
    "😭": -1.0,
    "🤡": -1.0,
    "💩": -1.3,
    "🙄": -0.8,
}

NEGATORS = word_set(
    """not no never nobody noone nothing none nor without hardly barely neither zero cannot cant wont dont didnt
    doesnt isnt wasnt werent arent couldnt wouldnt shouldnt havent hasnt hadnt aint не ни нет никто
    никого ничего ничем никак никакой никакого никакие никаких никакая никакую без нету нельзя
    невозможно nicht kein keine keinen keinem keiner nie niemals nichts ohne"""
)
# A negator that is followed by one of these does not negate ("not only", "не только").
NEGATION_BREAKERS = frozenset({"only", "just", "только", "лишь", "просто"})
# Between a negator and a word these end its reach: "can't believe how fast", "не поверила, как быстро".
NEGATION_SCOPE_ENDS = frozenset({"believe", "how", "what", "поверил", "поверила", "верится", "верю", "как", "что"})
# A negator after one of these means "almost" ("чуть не сбили"), which does not negate either.
NEAR_MISS = frozenset({"чуть", "едва", "почти", "almost", "nearly"})
# "Пока за мной не приехали" means "until they came for me": such a "не" denies nothing.
UNTIL = frozenset({"пока", "покуда"})
# Russian may negate after the word ("уведомлений нет"), and German after the verb ("er kam nicht").
NEGATORS_AFTER = frozenset({"нет", "нету", "nicht", "nie"})

INTENSIFIERS = word_set(
    """very really so extremely absolutely totally super incredibly utterly truly completely seriously
    insanely way too most such очень совсем крайне реально абсолютно полностью вообще слишком
    максимально невероятно жутко ужасно дико просто настолько sehr echt wirklich völlig extrem viel ridiculously
    stupidly absurdly crazy terribly awfully horribly безумно чертовски адски"""
)
# Mood words that, before another word of their clause, only say how much: "Ridiculously fast", "Stupidly cold",
# "Ужасно неловко". Alone ("Ужасно.") or before a verb ("ужасно обслужили") they still judge.
DEGREE_MOODS = word_set(
    """ridiculously stupidly insanely absurdly crazy terribly awfully horribly ужасно жутко дико безумно
    чертовски адски"""
)
DOWNTONERS = word_set(
    """bit slightly somewhat kinda little fairly rather bitty немного слегка чуть немножко немножечко
    чуточку"""
)
# Words (their beginnings) naming what the app shows: a false status from them is also news from the app.
STATUS_WORDS = (
    "app", "push", "notification", "tracker", "status", "marked", "приложени", "пуш", "уведомлени", "трекер",
    "статус", "отметил", "написано",
)  # fmt: skip
# Words of thanks: named as praise even in a complaint ("Спасибо за старания, но...").
THANKS = (
    "thank",
    "thx",
    "cheers",
    "grateful",
    "appreciat",
    "спасиб",
    "благодар",
    "ценю",
    "danke",
    "gracias",
    "merci",
    "grazie",
    "kiitos",
    "dzięk",
    "dziek",
    "дякую",
)
CONTRAST = frozenset({"but", "however", "но", "однако", "зато", "але", "aber", "jedoch"})
CONCESSION = frozenset({"although", "though", "despite", "хотя", "несмотря", "obwohl", "trotz"})
SARCASM_LEADS = frozenset({"only", "just", "another", "всего", "каких-то", "каких", "лишь"})
GENERIC_PRAISE = word_set(
    """great wonderful fantastic perfect lovely brilliant amazing awesome nice super excellent thanks thank
    cheers отлично супер замечательно прекрасно класс шикарно здорово спасибо благодарю"""
)
