"""Real English words close to a form: never corrected as misspellings (generated; do not edit).

Regenerate with ``python -m tests.near_miss_words`` after adding forms; the rule is in
docs/scoring.md and tests/near_miss_words.py says where the words come from.
"""

NEAR_MISS_WORDS: frozenset[str] = frozenset(
    """
aaronic abandon abandonedly abandons abasement abatement abhorred abhorrence abhorrent
abhorrently abhorrer abhorrers abhorring abjection abortion abounded abounding absorbent
abstraction abuse abused abuses abusing acceding accent accenting accents accenture accept
acceptant accepts accessing accomplish accomplisher accomplishes accomplishments accosting
accreting accusation acetous achievements aching acorn acquisitive acres activated activating
activation addend adhering adjuration adjuring admiration admiring admiringly admitting admixing
admonished admonishing admonishment adobe adonic adoption adoration adored adorer adores adoring
adorn adorning adrenalin adrenalins adsorption adulation adumbration advection adventure
adventured adventurer adventurers adventures adventuress adventurism adventurist adventurous
adventurously advice advices advise advised advisee advisees adviser advisers advises advising
advocation aeration aerie aerified aerifying aerophobia aesthetes aesthetic aestheticism
affectation affecting affectional affectionately affections affective affiance affiliative
affirmation affirmatively affirmatives affliction affricative afore ageing agger aggravate
aggravates aggravating aggravations aggravator aggregated aggregation aggressing aggression
aggressions aggressive aggressively aggressor aggrieving aging agitate agitatedly agitates
agitating agitations agitato agitator agnation agone agree agreed agreeing agreements agrees
aguish aimless aired airiness airing airting alarms alarum alary alerion alger alienage
alienages alienate alienates alienating alienator aliened alighted aligning alignment
alimentation alimented allegation allness alloying alteration alternated alternation amassment
amaze amazement amazes ambivalence ambivalent ambivalently ambling amnestic amorous amorously
amuse amused amusement amusements amuses anaesthetics analogize analogized analogizes
analogizing anesthetic anesthetics angary angel angers angler anguish anguishes anibal anima
animal animalism animalist animals animas animated animation anking annexing announce announced
announcements announcer announcers announces annoyance annoyances annoyingly anticipating
anticipations anticipative anticipator anticked anting antiqueness antisemite antisemitism
antiseptic anuses aoristic apatetic apathetic apologete apologetical apologetics apologia
apologias apologies apologise apologised apologises apologising apologist apologists apologize
apologized apologizes apologizing apologue apologues appall appalls appareled apparelled
appealed appellee applauds applied appose apposed apposes apposing apposition appositive
appraising appreciate appreciating appreciation appreciations appreciative appreciatively
appreciator apprehensible apprehension apprehensions apprehensive apprehensively appressed
architectural architecturally architecture architectures aright arising armistice armless
armlets armoring aromatic arouse arouses arraigned arraigning arraignment arraigns arrange
arranged arrangements arranger arrangers arranges arrases arrayed arraying artist artiste
artistes artistry artists artless artwork artworks aryanize asocial aspersion aspiration
aspirational aspired aspiring assign assigned assignments assigns assisting assonate assurance
assure assured assures assuring astatic astonied astonish astonishes astonishingly astound
astoundingly astounds atony atrocious atrocity attached attaching attiring attracting attraction
attractions attractive attractively attractor attrition auger aunts autistic aversions aversive
avertin aviated aviation avigation avocation avulsion babblement baching badness baffle baffler
baffles bagging baggings baiting balance balanced balancer balancers balances baldness ballance
balminess banger banging banister banking banning banting bantings bared barents bares barging
baring barraged barrages barraging bashing basing basking bassoons basting bastings bastions
bathetic bathing bating batter batting battlement beach beached beaching beading beaming beaning
bearding bearing bears beast beastings beasts beatified beating beatitude bedazzling bedighted
beelines beeping beetling begging behaved beheaded belated belaying belching belief believe
believed believer believes belligerence belligerency belligerently belligerents bellow bemiring
bemoaning bemusement bemusing benching bender benighted benin berated bereave bereavements
bereaves bering berry berrying berthing besting betiding better bevelings bevelled bewilder
bewilders biasing biassing bickered bickering bidding bifarious bijection biking billing
billings billy bindings binning bionically birth bister biter bitted bitten bitterest bittern
bitterns bitternuts bitters bittersweets bitterweed bittier bittiness bitty bivalent blade
blades blading blagging blags blake blame blamed blameful blamer blames blaming blanched
blandness blanked blanking blare blares blaring blast blasting blasts blate blatting blaze
blazes blazing bleaching blear bleat bless blesses blighted blindness blips blissfully bloating
blocking blogging blondness bloom bloomy blueness blunting blurs blushful boarding boart boast
boasts boating boats bobbies bobby boded boding boeing bogging boggling boilings boldness
bolection bolting bomber boned boneless bonging boniness boning booed booing boost boosting
boosts booting bopping borer bores boresome borrow bossing bousing bowed bowing bowsing
bowstring boxed boxing bracing brads braes braga bragg bragi braiding brailing braining braise
braised braises braising braking brambling brander branding brass brats braved braving brawling
braying brays brazing breaching bread breaded break breasting breathtakingly breeding breezing
brevets brevetted brevetting bride bridging brief briefing bright brightened brightener
brightening brigs bring bringing briticism briticisms brooked brotherhood bruising bubbling
buddings buffering buffeting bugging building built bullrings bumbled bumbling bumped bumpiness
bumpy bunny bunting burbling burning bursting busting butter caching cadres cager cages
cageyness caginess caging cakes caking calcination calking calling calmest calving campiness
canes caning canister canning cannoning canoness canting capes capitation captivate captivates
captivating captivation captivator capture captures carangid carbonic carder carding cards cared
careen careered careers careless carer carers caress caressed caret carets carew carey caries
carina carious carking carks carling carousal caroused carper carpeting carping carps carrying
carse carter cartes carting carts carvel carver carves carving caseated caseating cases casing
cassinos castigated castigating castigation casting caves cavilling caving cavitation cawing
cayes cease ceases ceasing ceiling ceilings cello celticism cense censed censoring censused
censusing centering centrality ceres cering certification certified certifying cessions chaldron
chalking champlain chancing changing chanted chanting chaplain chaplains chappy charmless
checking checky cheder cheek cheeks cheeky cheep cheer cheerfullest cheerfully cheerly cheers
cheery cheesy cherry chestful chewer chickened chickening chidden chiding childbed childe chile
chili chilin chill chilled chilli chillier chillies chilling chillingly chillings chillon
chilung chiming chine chinking chinning chipping chirking chirping chirring chiseling chiselling
chitlings chitlins chivying chock chocked chocking choking choppiness chopping chronically
chucking churning citation citifies citifying citing clamorous clanging clanking clares clarity
cleanliest cleanness cleave cleaves cleaving clinical clocking clopping clothing clotures
coaching coacting coast coasting coasts coating cobelligerent cocked cocking cocks codding
codifies codifying coding codling coeducation coeducational cogitated cogitation cohorts coiling
coincidence coincident coked cokes coking coldness colds colic collinses collusion colly
combating comber comedo comeliness comely comfits comfort comfortable comfortably comforted
comforter comforters comfortingly comforts comics command commanding commando commandos commands
commence commences commencing commend commendam commendation commended commender commending
commends comment commented commenting comments commines commission commons commoved communes
communicable communicant communicants communicated communicates communicating communication
communicational communications communicative communicator communing communization communizations
commuting comnenus comoros comose compacting compaction companion companionate compared
comparing comparison compassed compassing compassionately comped compelling competed competent
competes competition competitions competitive competitively competitor compiled compiling
comping complacent complain complainant complainants complained complainer complainers
complainingly complains complaint complaints complaisant complement complementing complements
complete completing compliant complied complies compliment complimented compliments compline
complines complying comport comported comporting comports compose composedly composer composers
composes composing composition compost composted composting composts compotation compote
compotes compound compressed compression comprised compulsion computation compute computed
computing compèred compèring conative concealed conceded conceited conceived concent concenter
concept concern concernedly concerns concert concerted concision conclusion concreted concur
concurred concurs concuss concussed concussing concussion condemned condensed condiment condoes
condole condoled condolence condolences condolent condoles condoling condonation condones
condoning conduced conducing condyles confected conference conferment conferred confessed
confessing confession confidant confidante confidants confide confided confidence confidences
confident confidently confider confiders confides confiding confined confining conflated
conflation conflict conflicts confluence confluent conformable conformation conformed conforming
conforms confucian confuse confusedly confuses confusing confusingly confusion confusions
confute confuted confuter confutes confuting congelation congested congolese conic conical
conically conjured conjuring connected connivent connotation connotes connoting consent
consented consentient consents conserved consol consolations console consoled consoler consoles
consolidation consolingly consols consorted consorting consorts conspired conspiring construct
constructs consuls consultation consulting consults consumed consumes consuming contacted
contemn contemned contemns contemptuously contend contended contender contending contends
content contentedly contently contents contest contested contester context continence continent
continued contorted contorting contorts contract contracts contradict contradicted contradicter
contradictor contradicts contuse contused contuses contusing contusion contusions convected
convenance convened convenience conveniences convenient conveniently convening convent converged
convergence convergent conversed converted convicted convocation convokes convoking convolution
convolves convolving convoying convulsed convulsing convulsion cooling coopering coordinated
coordinately coordinates coordinative coordinator copping cording cored corelative cores coring
corning correct corrects corseting cortical cosigned cosigning cosmic cosmical cosseting costing
costive costless coughing counseling counsels counting coupe coupled coupler couples couplet
coursing courting coveting covetously covets crags crank cranking cranks cranny crate create
creatine creatines creating creation creatively creatives creature credulous creep creeping
creeps crenelled crepey cresting cretinism criminal criminality critic critically criticise
criticised criticises criticising criticism criticisms criticize criticized criticizer
criticizers criticizes criticizing critics crony crooked cropping cross cruising crumbing
crumble crumbling crumminess crumpling cryings culling cultivated cultivating cultivation
cultural culturally culture cultured cultures cultus cumbrous curative cures curing curios
curious currying custom custos custumal cutworks dabbling damageable dandling danger dangling
danial dappling dares daring darkling darling darning darting dater daughter daughters daunt
daunted daunting daunts dawdling dazing dazzle dazzler dazzles dazzlingly deadness deadpans
deafness dealate dealings dearness dears deary deathful deaves debarking debarring debated
debating debauched debiting decanting deceased deceasing deception decide decides deciding
decocted decoction decoding decollate decomposed decorate decoration decreased decreasing
dedication deducted deduction deductive deeding deface defaced defacing defamed defeat defeated
defeater defeaters defeating defeats defecate defecated defecates defecation defect defected
defecting defection defections defended defensed defensive defer deference deferent deferred
defiant defies defiling define defining deflate deflated deflates deflation deflected deflection
defoliate defoliation deformation deformed deforming defrayed defter deftness defuse defuses
defusing degrading degression dehumanising dehumanizing deicing deign deigned deject dejecta
dejected dejectedly dejecting dejection dejects delate delative delaying delectate delegable
delegacies delegacy delegate delegated delegates delegator delete deleted deletes deletion
delicate delight delightedly delightfully delights delimited deluding demanding demeaned
demented demising demolition demoted demotion demotions denature denials denied denier deniers
denims denis denise denotation denoted denounce denouncement denounces denouncing dense
denseness dental denture dentures denuding depart departee departing departs departures
dependent depicted depicting depiction depicture depilate deplaning depleting deploring deponent
deport deporting deports deposing deposition depraving depreciation depreciative depress
depressant depressed depresses depressing depressingly depression depressions depressive
depressor depriving deputing derailing deranged derangement deranges deranging deration deride
derided deriders derides derive derives deriving derogate derogates derogation derogatorily
derry desalting descendent deserted deserting desertion designed designer designing designs
desired desiree desirer desires desiring desolated desolately desolates desolating desolation
desolator desorption despairingly despairs despising despiteful despoiling despoliation
despondence despondency despondently destruct destructs detach detaches detaching detailed
detained detected detecter detecting detection detections detention deters detested detonate
detonation detracted detraction detractive detriment deucalion devaluated devaluating devastate
devastates devastatingly devastation devastator deviance deviancy deviant deviated deviation
deviling devising devoicing devolution devolved devolving devonian devote devoted devotee
devotes devoting devotional devotions dexter dextrality diastase dickered dickering dictate
dieter difference different differing digested digesting digging dignifies dignify dignities
digress digressed digressing digression digressive diking diligence diligent diligently dilly
diluent dinning directed direction disagree disagreed disagreements disagrees disappoint
disappointingly disappointments disappoints disapprove disapproved disapproves disarmed disaster
disbelieve disbudding disbursed disbursing discourage discourages discoursed discriminately
discriminating discriminative discriminator discriminators discussed discussing disdainfully
disdains disease diseased disenable disguised disguising disgust disgustedly disgustingly
disgusts dishearten disheartens disinterest disinterestedly disinterests dismal dismast dismay
dismays disorient disorientated disorientating disorients dispense dispensed dispersed displaced
displayed displease displeases disproval disputed disputing disrate disrupted disrupting
dissuade dissuaded dissuader dissuades distal distance distant distastefully distastes distorted
distorting distraite distress distressed distresses distressful distrust distrusted distrusting
distrusts disturb disturber disturbers disturbingly disturbs disused disusing ditched ditty
diversion dividing divulsion dizzying dobby docked docking docks dolefulness dolly donation
donging dotation doter doubled downheartedly downiest downwash dragging drags draining dreading
dreads dream dreamy drear dressed dressing drilled drilling driving drizzling dropping dropsy
dross drossy drowse drugging dryad drying dubiosity dubitation duelings dullness dumbfound
dumbfounds dumfounded dumped dumpiness dumpling dumpy duration dustless eagerest eagre earache
earful earing earless earnests earning earnings earring earthworks easeful eases easiness easing
easting eater eaves ecstatics edger editing editress edits educated educatee educates educating
education educational educationally educations educative educator eduction eductive eerier
efforts effusing egger egression egret eject ejected ejecting ejection ejections ejects elate
elater elates elating elative elected electing election elegized elevate elevates eliciting
eliding eluted elution embarrass embarrasses embarrassments embowered embowering emersion emits
emotion emotional empathetic empathic empathy employing emporia empower empowers empresses
emulation emulsion emulsive enacting enchained enchaining enchainment enchant enchantedly
enchanter enchanters enchantingly enchantments enchants encoring encourage encourager encourages
endowment energetics energid energies energised energize energized energizer energizers
energizes enforced enforcing engaged enhanced enhancing enjoinment enjoying enjoyments enlacing
enounce enounces enouncing enrage enrages enrolment entering entertain entertainer entertainers
entertainingly entertains enthrall enthralls enthusiasm enthusiasms enthusiast enthusiastic
enthusiasts entourage entourages entrained entraining enuretic epithetic equation equitant
erasing erasure erasures erected erecting erection erective ergative ergativity eristic ernest
eroding erotically eroticism error eructation erudition esthetic esthetics etched etching
eternized euphonic euphorbia euphoria euphoriant euphoric eustasy eustatic evection eventful
eventing events everest everett eversion eversions evicting evocation evolved evolving evulsion
exacting exaggerated exaggerating exaggeration exalting exasperate exasperatedly exasperates
exasperating exasperatingly exasperation excepting exchanged exchanging excise excised excisemen
excising excitant excite excitements exciter excites exciting excitingly exciton excommunicate
excommunicating excommunication excrement excreting excusing executing exegetic exercised
exerciser exercisers exercises exerting exhilarate exhilarates exhilarating exhilaratingly
exhilaration exhilarative exiling exist existing exists exited exiting exorcise exorcised
exorcises exorcising exorcism exorcist exorcize exorcizing expected expelled expertise expiating
expiration expiring explanation explant explication explode exploding exploitation exploiting
explorations explored explorer explores exportation exporting exposing exposition expressed
expressing expression expressionlessly expulsive extant extraction extractive extradition
extraditions exuberance exuberant exuberantly exuberate exudation exultantly exulting eyrie
facetiously factions factious factitious fagging failings fainting falser falsie falwell fanning
fanny fares farewells faring farrell fasciate fasciation fascinate fascinates fascinating
fascinatingly fascination fascinations fascinator fashionably fashions fasting fatality fateful
fatefulness fatherhood fatigue fatigues fatness faugh faulting fearful fearing fears fearsomely
feasting featly febricity feeding feedings feeling feelingly feigned feinting felicity felines
felling fellow felonious fencing fender fenny ferity fermented ferociously ferry ferrying
festination fetched fetching fieldings fiend fiends fight filagree filagrees filings filling
fillings filly finality fineness finisher finny fired firewall firth fissionable fissions
fistful fitter fizzling flabbergast flabbergasts flagging flame flames flaming flanking flatness
flatting flaunt flauntier flaunting flauntingly flaunts flaunty flavorous flection fleeting
flight flighted flings floating flocking flopping flouncing flouting flunking fluting foisting
folding folly fomented fonder fondest fondles fondness fondues footing footling foraying forbad
forbid forbidden forbiddingly forbiddings forbids forebodingly forebodings foregoing foreplay
foretell formation formed forming formless fortification fortifications fortified fortifier
fortifies fortifying forworn foulness foursome foxiness fractious fraise fraises franking
frazzling freeing freezing freight fretting fried friend friends friendship friendships frigging
frighted frighten frighteners frighteningly frightens frighting frights frilled frilling
frothing frowsy frumpiness frumpy frustrate frustrater frustrates frustrating frustratingly
frustration frustrations frying fueling fulfill fulfiller fulfillment fulfills fulfilment
fullness fumbled fumbling fundy funky furious fusing futures fuzing gagging gaging gainful
gaining gambling gander ganger gangling ganister gappy gardened gargling gasified gaugeable
gauging gaunt gayety gayness gearing gears geeing gelation gelidness gender genderless genial
genies gentrified genuine geologize geomantic geostatic gerry getting giddiness gigging giggle
gigglier ginning girdling girth giving glabrous gladdened gladdens gladdest glades gladness
glamor glamorously glamors glamourous glamours glanced glancing glanders glandes glassful gleet
gleets glibness glinting gloam gloating gloom gloomy gloss gloved gloving gluiness glumes
glummest glumness godliness goggling goggly golding golly goneness gonging goodby goodbyes
goodbys goodness goody gooey goofs goosy gored goring gormless graceful gracefulness gradation
gradational gradations grader grafting graftings grandee grandees grander grandest grandness
granger granges granter granting grape grass grassing grate grateful gratefully graticule
gratifier gratifies grating gratings graving grayness greasiness greasing great greatness greats
greed greek greeks green greened greening greenings greenling greens greer greet greeter
greeting greetings greets greying gride griefs grieg grieving grilled grilling grime griminess
griming grimness grinder grinding grinning griped griper gripes griping grippe gripping grips
gritting groom grooving grope groping grosz grots grouch grouchiest groused grouting grows
grubbiness grubbing grueling gruelings gruelling grumbled grumbler grumbles grumbling grumblings
grumbly grump grumpiest grumps grunginess grunting guesting guggling guild guile guilt guilty
gumminess gunny gurgling guttural guzzled guzzling habitation hacking haggling haired hairiness
hairless haleness hallo hamlets handful handiness handing handless hanger hanging hanks hapless
haplessness haply happiest happiness hardened hardiness hardness harebell hared hares haring
harking harmlessly harmon harmonic harmonicas harmonics harmonies harmoniously harmonium
harmoniums harmonizes harness harpy harrying hastiness hasting hated hateful hatefulness hatreds
hatted haugh haughtier haunt haunted haunting haunts hawking haziness headache healings health
healths healthy hearing hears heartaches heartbeat heartbreaker heartbreakingly heartbreaks
heartbrokenly hearth heartless heartsome heath heathy heave heaves heaving hectoring heedful
heedfulness heeling heightened heightening helle hellos hells helotage herbage herding heredity
heritability heritable heritages hermitage hermitages hesitate hexed higgling hiking hilario
hilariously hilary hilliness hilly hinting hippy hired historical hitter hobbes hobbles hobbling
hobbs hocked hocking hocks hoicking hoisting hoked hokes hokey hoking holding holiness hollo
holly hombre homeless homelessness homeliness homeric homophobe homophobes homophobia homophobic
homophonic honking honorific hooking hooting hoped hopefuls hopelessly hopping hopples hornless
horrific horrification horrified horrifies horrify horrifying horrifyingly horrors horseless
hostilely hostiles hosting houseless huarache hubbies hubby huddling hulling humanizing humble
humbler humbles humbling humblings humerus humiliate humiliates humiliating humiliations humming
humongous humor humoring humorless humorlessly humorous humorously humors humour humourless
humourous humped humphing humping humpy hunting hurdling hurling hurrying hurtless hurtling
hustling hyper hypes hysteria hysteric hysterical hysterically hysterics hysteroid iciness
iconic iconically idolater ignitable ikonic ikonically illation illness illustrious imbalanced
imitable imitated imitating imitation immolated immolation imparting impasse impassible
impassion impassively impelled imploring implosive importing imposed imposing imposition impress
impressed impresser impresses impressing impression impressive impulsed impulsive inappreciative
inapprehensive inartistic incense incenses incised incitation incitement inciting inclosed
incoming inconvenience inconvenient incoordinate incorrectly incorrupt increased incredulously
incrimination incriminatory incurrent indented indianan indianans indicant indication
indifference indifferent indifferently indigent indigestion indignantly indiscrimination
individualism individualist individualists individualize individually indolence indorsed
indorsing inductive indurated industrials industries industriously inebriated inebriating
ineducation ineptness inertness infatuate infatuates infatuating infatuations infection inferred
inferring infirm inflamed inflaming inflated inflation inflicted infolded infolding inform
informal informant informatics informational informative informer informers informs infuriate
infuriates infuriatingly infused infusing infusion ingratitude ingression ingressive
inharmonious injected injecting injection inning innocuously innoxious inoffensive inoffensively
inordinate inquired inquiring inquisition inquisitively insecurely insetted insetting
insincerely insolate insolation insolations insoles inspiration inspirational inspirationally
inspirations inspire inspired inspirer inspires inspirit inspirited inspiriting inspirits
instigation instinct instincts instruct instructed instructor instructors instructs insulated
insulation insure insured insuring intended intense intenseness intenser interested intertwined
intertwining intima intimas intimate intimated intimating intimidate intimidates intimidatingly
intimidation intimidator intricacy intrigue intriguer intriguers intrigues intriguingly
introduce introduced introduces introductions introjection intrust intrusts invented inversion
invigilated invigilating invigorate invigorates invigoratingly invigoration invigorative
invitation invulnerable ionic irade irenic irenical irenically irisation ironic ironical
ironically irons irreverence irreverent irrigable irrigate irrigated irrigates irrigating
irrigation irritably irritate irritates irritating irritatingly irritation irritations
irritative irritator isolate isolates isolating isolation isolative isolator jakes jaunt jaunted
jaunting jaunts jazzing jealous jealously jealousy jello jelly jerry jetting jewelled jigging
jiggling jiggly jingling jitter jitteriness jitters jockey jocks joggling jointing joked joker
jokers jokes jokey jollies jolliest jolty jones jousting jovially jovian jowly joyed joyfullest
joying joyousness jubilance jubilantly jubilate jubilating juggling jumbled jumbling jumped
jumpiness jumps keeling keeping kerning kerry kidneys killing kindest kindles kindless
kindliness kindness kindnesses kingless kinkiness kitty knocking laddered lager lagging lagting
lamenting lames laming lanced lancing landing landscape landscaped landscaper landscapers
landscapes landscapist langer languish languished languisher languishes lansing lares lashing
lasting latching lated lateral lathe lathing latitude laudable lauding laugh laughably laughed
laugher laughers laughingly laughs laughton launching laved laves laving lawfulness laxation
laxness leach leached leacher leaching leading leafing leaking leaning leanness leaping learning
leary lease leased leases leashing leasing leave leaved leaven leavens leaver leavers leaves
leavings leavis leching leeching leering legate legates legatine leisure leisured lender
letdowns lethargy levelled leveret liaising liberal licensed lichened licking lidless lifeless
lifted lifting lighted lightened lightening lighter lightheaded lightheartedly lightless
likeliness likely likened likening likings lilly limbless liming limitless lineation lining
linking lipid lippiness listens listeria listers listless listlessly literals litter littlest
lived liveliness livery livia living loading loafing loaning loath loathed loather loathes
loathing loathingly loathings loathsomely loaves lobbies lobby lobed localizing locating locked
locking locks lodging lodicule lofting logging lolly loneliest lonesomely longings longsome
looting loped loping lopping lordliness lorry losing loudness lough loughs lounging louring
loveless loveliness lovely lover loves lovesick lovesickness lovesome lovey lowed lowing
lowliness lugeing lugging luging lumped lumpiness lumpy lunging lustrated lustrating lustration
macing macks maddened madness magicked magnificat magnificence magnificent magnificently
magnified maieutic majesties majesty maleness mallow manacling manageably managed managements
manager manages managing mange manger manic manning mansions mantic manège marcel marcellus
mares marry marrying martel marvell marvellous marvellously marvelous marvelously marvels
massive mastic mature maximalist meager meagerness meagreness meaning meanness measure measured
measures measuring meatiness meatless medication meeting meetings melancholia melancholiac
melancholiacs melancholic melancholics melancholies melancholy mellon mellows memorized
memorizing menacingly menage mender mending menial mentioning menton mentors mercerized
mercerizing mercy meriting merriest mesmerised mesmerising mesmerism mesmerist mesmerists
mesmerize mesmerized mesmerizer mesmerizers mesmerizes mesmerizing mesmerizingly metathetic
meter metering micks miking mildness milicent milling mincing mindless mineable mingling
minified minimalism minimalist minimalists minimality minister ministers minoring minster
minting mired miring mirthfully misbelief mischievously miser miserably miserly misers mismated
misorientation missions mistress mistresses mitty mizzling moaning mocker mockers mocking
modification modified modifies modifying mokes molarity moldiness molding mollification
mollified molly monitoring monkery monks monosome monotones monotonously mooching mooning
mooring mooting mopping morbid morbific morganite morganites morning mornings moronically morrow
morticed mortified mortifies mortifying mortised motherhood motility motionless motivation
motivations motoring mounding mounting mournfully mousing moussing mouthful mouthing moved
moving mucked mucking mucks multure mumbled mumbling mumblings munificence munificent mused
muses musing mutilation muzzled muzzling mystification mystified nagging nanking nanning nappy
nares narky natality native natured natures naughtier nauseate nauseates nauseatingly nauseation
nearing nearly nearness nears neatens neatest negate negating negation negatived negatively
negatives neglect neglecter neglects neologize nesting nettled nettling networks neural
neutralism neutralist neutralists neutralize neutrally neutrals newness nicked nickered
nickering niggling nigrified nippiness nitrified nitrifies nitrifying nitty nobby nocked nocking
nocks nocuous nonchalance nonchalantly nonemotional normed northing nostalgia nostalgic
nostalgist notaries nothing notices noticing notification notified notifier notifiers nuggets
numbing numerous numerously nurtures nuzzled nuzzling oaring oasts objected objectify objecting
objection objections objective objector obreption obstruct obstructs occultation occupational
occupations oddness offense offensive offensively offensives offering oiliness oldness omber
oneness onerous onerousness oohing opiumism oppose opposed opposer opposes opposite oppositional
oppositions oppressed oppressing oppression oppugnant optimist optimists optimize optimum
optimums oranges orate oration ordinate oread organdie organic organics organise organised
organises organising organism organisms organist organists organizational organizations organize
organized organizer organizers organizes organizing organs organza organzine oriented originally
osculation ostensive otalgia ousting outage outages outargued outbraved outdated outdoes outdoor
outdoorsy outfaced outlawed outlooks outpaced outperformed outperforms outrace outraced outraces
outrage outraged outrages outrange outranged outranges outranked outroared outroars outworks
overdosed overjoy overjoys overwhelm overwhelms packed paganize pageful pager paginated
paginating pagination paging pailful paining painting paintings pairing pairings paleness palled
palming pancaked panful panickier panicky panicle panicled panicles panics panning panting
paoting pappy parafoil paranoia paranoiac paranoic paranoids pardner parent parenting parents
pares pargeting pargetting paring parroting parrying parsing parsons participation parting
partings partners passing passion passional passionately passions passivate passive passives
pasting patent patenting patents pathetic patness patristic patting pausing pawning peacefully
peaces peach peale pearling pears peary peasant peasants pease peeling peelings peeping peering
pence penning pensile pension pensions peppiness percents perching perfusing periling perilled
perilling perplex perplexedly perplexes perplexing perry pertness perusing perverted perverting
perverts perviousness peter petrified petrifies petrifying phasing pheasant pheasants phonically
photophobia phrasing picked pickering picketed picketing pickled picnicked pigging pigling
piking pilling pimped pinging pining pinking pinkness pinkster pinning pipeful pirate pitiful
pitting place placed placing placoid plaguing plaid plaiting planing planking plannings planting
plantings plashing plated plateful plating platitude platting playing pleaching pleaded
pleasance pleasant pleasanter pleasantly pleasantry please pleases pleasing pleasured pleasures
pleated plighted plonking plopping plosions ploughing plumped plumpness plunging plunking
poaching pocked pocking pocks pointing poising poked pokes pokey poking polarity polly ponder
ponderous ponging pontification pooching poohing popping pored poring porting posing positing
position positively positives positivism positivist positivists postie posting pouring powered
powering practising praise praised praises prancing pranged pranging prase prate prating
prawning praying preaching prebends precepts predated preened preening preens prefaced prefects
preference preheated preheating preheats prehension premising prepacked prepaid preparations
preparative preparator prepare preparer preparers prepares prepped presaged present presented
presenter presentient presentiment presenting presentment presentments presents presets
presetting presorting pressed pressing pressure pressured pressures pressuring pretended
pretending pretends pretension pretested pretesting pretests pretexts prettified prevent
prevented preventer preventing prevention preventions preventive prevents price pricing pricked
prided prides priding pried prime priming prinking printing printings privets prize prizing
projected projecting projection prologize prologized prologizes prologizing promising promoted
proofed propagation propelled proposed propping propulsive proration prostrated prostrating
prostration proved provided provoke provoker provokers provokes prude prying précising psyche
psyches pulped pulsed pulverable pumper punching punchlines punic punitive punning punting
pupped pureeing purified putrefied puzzle puzzler puzzles puzzling queasiness quickened
quickening quilt raciest racing racism racist racists radian radians radiation radiational
radiations radicle radicles raffled ragging raging raiding railing raining raise raised raises
raisin raising raisings raisins raking rambling ramified ranged ranger ranges ranging ranking
ranting rantings raping rapist rappelled raptures rares rarified raring rasing raspiness
ratified ratifier ratifies ratifying rating ravelled raving razing razzing reach reached reacher
reaching reacted reacting reaction reactive reactivity reading realigned realness reaming
reaping reared rearing rearming rearranged rearrangement rearranges rearranging rears reassert
reasserted reasserting reasserts reassigned reassigning reassignment reassume reassuming
reassurances reassure reassured reassures reassuringly reave reaved reaves reaving rebalanced
rebating rebelled reboiling rebooted rebooting rebuked rebukes rebuking rebuses recalled
received reception reciting reclamation reclusion reclusive recoiling recommence recommenced
recommences recommencing recommend recommendations recommended recommending recommends
recompensing recomposed recording recreative recursion recursive recusal recuse recused recuses
recusing redacted redacting redaction reddened redesigned redressed redressing reducing
reduction reductive reeding reeducation reefing reeking reelected reelecting reelection reeled
reeling reeved reeving reexporting refacing refection reference referenced references referent
referents reffing refiling refilled refinance refined refining reflated reflating reflected
reflecting reflection refluxing refocusing refolded refolding reforging reformation reformed
reforming refueling refuelled refuge refuges refunding refusals refuse refused refuses refutal
refute refutes refuting regaling regents reglet regnant regorging regressed regressing
regression regressive regretfully regrets regrew reheated reheating rehousing reigned
reimporting reined reinstruct reinsurance reinsure reinsured reinsures reinsuring reintroduce
reintroduced reintroduces reintroducing reintroduction reinvigorated reinvigorating reissue
reissued reissues reissuing reject rejected rejecter rejecting rejection rejections rejects
rejigged rejoicings rejoining relapsing related relating relation relative relativity relaxant
relaxations relaxer relaxes relay relayed relaying releasing relegate relegated relegates
relegation relented relenting relents reliance relied reliefs relies relieve reliever relievers
relieves relight relighted relined relining relinked relished relive relived relives reliving
reloading relocation relying remaking remelted remelting remixing remolded remolding
remorsefully remotion renaming render renounce renouncement renounces renouncing renting
reoccupation reorganization reorganize reorganized reorganizes reorganizing repainting repaired
repairing reparation reparations repaved repaving repaying repealed repealer repeated repeating
repelled repellent repented repenting repents repined replacing replaying repleted repleting
replied report reported reporting reportings reports reposed reposeful reposing reposition
reprehension repressed represser represses repressing repression repressions repricing reprieved
reprimanded reprimands reproving repugnance repugnantly repugned repugning repulse repulsed
repulses repulsing repulsion repulsions repulsively reputed reputing rerolled rerouted rerouting
reschedule reschedules rescheduling resealed reseated reseating resect resected resection
resections reseller resented resentful resentfully resenting resentments resents resetting
resettled resettling resided residing resign resignedly resigning resigns resined resisted
resoled resoling resolute resolution resolved resolving resonate resort resorted resorting
resorts respected respectful respectfully respecting respelled respiration respired respiring
respondent respondents ressentiment restful resting restive restless restoring resultant
resulted resulting resuming retaking retched retching reteaching retention retested retesting
reticule reticules retort retorted retorting retorts retraction retractive retrieved retting
retuning retuse reuse reused reuses reusing revalued revaluing revealed reveled reveling
revelings revelled reveller revelling revenant revenged revengeful revenging revere revered
reverence reverenced reverences reverend reverends reverent reverently reveres revering
reversion revert reverted reverting reverts revetment revetted reviewed reviled reviling
revising revision revived revoked revoking revolt revolter revolting revoltingly revolts
revolute revolve revolved revolver revolves revolving revulsive reweaved rewording reworking
reworks rhine ridding ridicule ridiculed ridicules ridiculous riding rigging right rigor rilled
ringling ringster riposting rising ritter riving roast roasting roastings roasts robby rocked
rockery rocking rocks rogatory romaic romanced romancer romances romani romania romanic
romanization romanize romanized romanizes romanizing romantics rooked roosting rooting rosined
roughing roundness roused rousing rousting roved roving rowelled rugging rumbaing rumble rumbled
rumbling rumblings rumor rumpling runny rupture ruptures ruthful rutilant sacking sacred sadden
saddens saddled sadness sageness sager sagging sally saltire saltworks saluted salutes sanger
sanitation sappiness sapping sappy sarcasms sardinia sardonyx sarky satanical satires satiric
satirically satisfactions satisfies saunaing scald scalding scalds scaled scaliness scaling
scalping scaly scanning scantling scare scares scarf scarfed scaring scarp scarped scarred scars
scathing scending schedule scheduled scheduler schedulers schedules schelling schilling
schillings scilly scoffing scold scoldings scolds scoopful scooping scooting scoping score
scored scoring scornfully scorning scorns scotching scouring scouting scowling scrolling
scudding sculling sculptural sculptures scything seaming searching seared searing sears seating
seconding secure security sedative seduction seductively seeding seedling seedlings seeing
seeings seeking seeling seeming seeping seething seism selected selecting selection selective
selenate selene selenite selfness semantic sender sense senseless sensualism sensualist
sensualists sensualize sensually sensuosity sentiment sentimentalism sentimentalist
sentimentalists sentimentalize sentimentally sentiments separating separation serena serenata
serenely serener serializing serine seriousness serous sessions setting settled settling seventy
severance severest severity sexed sexiest sexism sexist sexists sexuality shack shacked shacking
shackling shade shagging shake shaking shale shambling shamed shamefully shames shams shane
shank shanks shape shapeless shapelessness share shared shark sharking shave sheathing sheer
sheeting shelling shilled shilling shillings shillong shine shining shipping shirking shlock
shoaling shocker shockingly shocks shoeing shoeless shooing shook shooting shopping shops
shoreless shoring shorn shorting shouting shoving showing shrill shrilled shriller shrilling
shuck shucked shucking shunned shunting sibilant sibilation sickbed sicked sicken sickener
sickeningly sickens sicking sieving signed signified signifier signifies signing silky silliness
sills silty sincere sincerer sincerest sincerity sinecure singling sinisterly sinning sinter
sipping sired sister sitter sizzling sketching skidding skilling skipping skite slackened
slackening slacking slagging slanging slanting slapping slated slaughter slaughters sleave sleep
sleeps sleeting sleety slenderness sleuthing slicking slighted slily slimness slipping sloping
slopping slops sloshing slotting sloughing slubs slues slugs slums slurp slurps sluts smacking
smarted smarting smite smock smocked smocking smocks smoked smoking smooching smoothed smoothes
smoothing smuggest snack snacking snagging snaky snappiness snapping snare snared snark snarky
snarl snarled snarling snarly sneakiness sneers snicked snickered snickering snicking snifter
snipping snooping snuggest soaking soaping soared sober socialising sociality socializing
socials socked socking socks sodding solaced soling soloing solute solution solving somatic
somber sombre something songster sonically sonorous sooth soothe soothed soother soothers
soothes soothing soothingly soppiness sopping sorrowfully sorrows sorry sorting soughing sounded
sounding soundness souping sourcing souring sours southing spadeful spanking spanning spared
spark sparkled sparkling sparky sparling spate specializing specking spectacularly spectaculars
speeches speechlessly speer spellbind spelled spherule spherules spice spike spile spilling
spine spinster spire spited spitefully spites spits spitz splinted splinting splitting spock
spoofed spook spooking spooks spooled spooned spoonful spoony spoored sporting spotting
spraining spreeing sprinting sprite spurning spurs squarish squeamishly stabled stabling
stacking staked staled staling stalled stalling stamping stapled stapling starched starching
stared staring stark starlet starling starlings starred starring started starter starting
startle startles startlingly starved starveling starving stated static stating statued steeping
steer stepping steps sterling stetting sticking stickled stilling stilly stinting stippling
stirling stock stocked stocking stockings stoics stoke stoker stokes stoking stomping stomps
stoned stoning stonking stooping stoops stope stoppering stoppings stoppling stored storing
storming storting stoss stoups stowed stowing stows straightforwardly straightforwards strapping
stratified streaked streamed stress stressed stresses stressor streusel strewed strews striding
striping stripping stroked stropping strops stumbling stumping stunner stunted stunting stylist
subjecting subjection sublimed sublimer sublimes subsense successfully succuss suckered
suckering sucking sufferings sufficing suffixing suffusing suggest suggested suggester
suggesters suggesting suggestion suggestions suggestive suggests suite sulfuring sully summering
sundering sunned sunny sunrise supping supposing supposition surmise surmised surmising
surpassed surpassing surplice surplused surplusing surprint surprise surprised surprises
surprisingly surprisings surprize suspend suspended suspender suspends suspensive suspensor
suspiration sutures swagging swanking swanning swapping swathing sweeping sweeting swilling
swooping swooshing swopping swops swordplay sworn swotting sympathetic sympathin synergetic
tacking tackled tagging taint tainted tainting taints taking talking tallness tanked tankful
tankfuls tanking tanks tanning tapping tardiness tared tares taring tarrying tarted tarting
tartlet tasking tasting tatting tattled tattling taunt taunter taunting tauntingly taunton
taunts teachers teaches teachings teaks teals teaming teams tearful tearing teary tease teased
teasel teasels teaser teasers teases teasing teasings teats tedder teething telexing tench
tended tenderest tenderness tenders tenge tenner tense tensed tenseness tenser tenses tensing
tensions tensive tenter tenting termless termor terrific terrified terrifies terrifying
terrifyingly terrors terry terse terseness testified testifying testing thana thane thanes thanh
thank thankfully thanks thant thatching thawing thickened thickening thieving thill thine think
thinking thinks thinning thrall thralled thralling threaten threateningly threatens thrill
thriller thrillers thrilling thrillingly thrills thrived thriving thumbing thwacking ticked
ticketed ticketing tickle tickler tickles tided tideless tidies tidiest tidings tiered tightened
tightening tiled tilled tilling timed timidness timorous timorously tinder tined tingling
tininess tinkled tinniness tinning tinting tipping tipsiness tires titter titty toast toasting
toasts toggling toked tokes toking tolly toneless tonging tonically toothed toothsome tooting
tootling toping topless topping toppings toppling torching torment tormenter tormenters
tormentil tormentor torments torrent totality touchiness touching toughing touring tousled
touting tracing tracking traction tractional tractive tradition traditional traditionally
traditionary traditionist traditions traditor trailing training traipsing tranquiler tranquility
tranquilize tranquillity tranquillize tranquilly transcended transcendence transcendency
transcendental transcendently transcending transition transitional transitions trashing tread
treasure treasured treasures treasuring treating treatise trebled treeing trembled trembling
trenching tress tressel tresses tressure trialed trialing trickled tried trifled trifling trill
trilled trilling tripe tripled tripling triumphal triumphantly triumphing triumphs trolled
trolling tropical tropically trouble troubled troubler troubles trounced trouped troweled
truanting truistic trunking trussed trusting truthful trying tsars tufting tumbled tumbling
tumid tumor tumorous tungting tuning tunny turning tutting twanging tweeting twilled twinning
typed tzars uglified uglifying ultimacy umped unaccomplished unadventurous unaggressive
unapologetic unappreciative unartistic unattractive unattractiveness unbalanced unchanged
unchanging uncharted uncleanliness uncomfortable uncomfortably uncompetitive uncomplaining
unconcerned unconformable unconfused uncreative uncritical undefeated undetached undignified
undiscouraged undismayed undistressed undisturbed undoubled unease uneasiest uneasy unelected
unembarrassed unemotionally unenthusiastic unexciting unexpectedly unexpended unfashionable
unfilled unforced unformed unfulfilled unglamorous ungrateful ungratefulness unhappiest
unhappiness uniformed uniforming unimpressed uninformed uninspired uninspiring uninterestedly
uniquer unkindness unlighted unlisted unloved unmanageable unmeaning unoffensive unorganized
unoriginality unpleasant unpleasantly unpleasing unprepared unpressed unprovoked unratified
unreadiness unrelieved unremorseful unresentful unresigned unrespectful unromantic unsatisfied
unsealed unsealing unseated unseating unsecured unsentimental unset unsettle unsettles
unsettlingly unsifted unsigned unsparing unspectacular unstopping unstressed unsuccessful
unsurprised unsurprising unsympathetic unteaching unthankful untidiness untraditional untroubled
unwariness unwholesome upbear upbeats uplift upliftings uplifts upraise upraised upraises
upraising upreared uprise uprising upsets upsetting urbanization urbanize urbanized urbanizes
urbanizing urease vaccinated vaccinating vaccination valance valanced valances valse vanning
vanquished vaulting vaunt vaunted vaunting vaunts vectoring veering veilings velocity venality
vender venerable vengefully vengefulnesses venial venture ventures venturing venturous veracious
veracity verbified verbifying verified verifying veritable versified versifying version versions
vesting veter vexes vicarious victor victorians victories victoriously victors vigor vigour
viking violated violation virility virtuality vising visor vitalism vitalist vitalists vitalize
vitally vitrified vivacity vivid vizor vocalizing volitive voteless vulnerably vulture vultures
waffled wager wagging waggling waging wahine waiting wambling wander wanking wanting wares
waring warless warmness warning warranted warranting warring wasting watchful waugh weakness
wealth wealthy weaning wearing wearisome wears wearying weave weaves weaving weeding weeing
weening weepings weighted welching welles wellesz wellies welling westing wetness whacking while
whiling whims whimsey whimsically whined whiner whines whiney whinge whinging whins whiny
whirling white whiting wholesale wholesomely whopping wideness wigging wiggling wiggly
wildernesses wildness wiliness willing willy wincing winder windiness winding windless windrows
winging wining winking winnings wired wiriness wishful wisteria withy witless witness witter
woefulness woful wonders wondrously wooliness woolliness wordily wording wordy working workouts
worming wormy worrier worries worriment worryingly worryings worsting wounder wraith wrathful
wrathfully wrathfulness wreath wresting wriggling wright writable wroth xenophobe xenophobes
xenophobia xenophobic yanking yappy yawning yeager yeaning yeanling yearling yearlings yearlong
yearningly yearnings years yellow yocks yoked yokes yoking yonder zappy zealots zealous
zealously zestful zoophobia
""".split()
)
"""5780 words."""
