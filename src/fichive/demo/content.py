# ruff: noqa: E501
"""The demo archive's works: written for Fichive, not copied from anywhere."""

from textwrap import dedent


def _prose(text: str) -> str:
    """Dedent and trim a block of chapter prose."""
    return dedent(text).strip()


INKWELL = "Inkwell Fox"
MOTH = "Moth and Lantern"

NARUTO = "Naruto"
HOLMES = "Sherlock Holmes - Arthur Conan Doyle"
AUSTEN = "Pride and Prejudice - Jane Austen"
ORIGINAL = "Original Work"


# --------------------------------------------------------------------------------------------
# 1. One-shot, Sherlock Holmes, humour
# --------------------------------------------------------------------------------------------

_UMBRELLA = _prose("""
It had rained for three days, and Baker Street had taken on the colour and temper of a wet dog. I had given up on the newspapers, which were full of nothing, and Holmes had given up on me, which was worse, since it meant he had turned his attention to the furniture.

"Watson," he called from the hall. "There is an umbrella in the stand that belongs to neither of us."

"Then it belongs to a client," I said. "Or to Mrs. Hudson."

"Mrs. Hudson's umbrella is green, with a cracked rib on the left side and a handle worn smooth by twelve years of the same grip. This one is black, new, and has never been opened in anger." He carried it into the sitting room as another man might carry a pheasant he had shot himself. "It is a very eloquent umbrella."

I folded my paper. There is no stopping him at such moments, and I have learned that it is less trouble to be an audience than an obstacle.

"Observe the ferrule," he said. "Scarcely scratched. The owner walks on pavements, not gravel: a town person, then, who has not been in the country this month. The handle is ash, not the stained pine of the cheap shops, and the stitching on the canopy is too fine for someone who has always had money to spare — so, a person who has lately come into a little. And here—" he turned the handle to the window "—a faint stickiness. Rosin. Our visitor plays a stringed instrument. From the position of the wear, left-handed."

"There is no wear. You said yourself it was new."

"There is very little wear, which is not the same thing." He sniffed the canopy. "Lavender water. Either a woman, or a man who lives with one who is generous with it."

"Holmes, nobody has called this morning. I have been sitting in this chair since eight."

"Precisely. It arrived in the night, or before you came down. A left-handed musician of modest new fortune, fond of lavender, who entered this house without our knowing it and left their umbrella behind on the wettest morning of the year. Either they are desperately absent-minded, or they wished us to find it." His eyes had taken on the bright look I have come to dread. "I wonder which."

It was at this point that Mrs. Hudson came up with the coffee. She set down the tray, looked at the umbrella in his hands, and then at him, with an expression I can only describe as forbearing.

"I'll thank you to put that back where you found it, Mr. Holmes," she said. "It cost me eleven shillings on Tuesday."

There was a short silence.

"Yours," said Holmes.

"Mine. Since the old one came back from your experiment with the acid full of holes and smelling like a tannery." She took it from him, quite gently. "The handle's sticky because you left the rosin from your violin bow on the hall table and I put my hand in it. The lavender's mine too, and I'll have you know I'm right-handed."

"And the new fortune?"

"Eleven shillings," said Mrs. Hudson, "is a fortune, when it's been spent on account of somebody else's chemistry."

She went out. Holmes stood at the window for some time with his hands behind his back, looking down at the wet street.

"You will observe," he said at last, "that I was correct in one particular."

"Which one?"

"I said that the owner wished us to find it. She did. She left it in the stand quite deliberately, where I could not fail to notice it, so that I should be reminded of what I owe her." He reached for his coat. "It is a very eloquent umbrella, Watson. I did say so."

He went out into the rain to buy her a second one, in green, to be kept in reserve. He took mine. I did not see it again until Thursday.
""")


# --------------------------------------------------------------------------------------------
# 2. One-shot, Naruto, quiet
# --------------------------------------------------------------------------------------------

_AFTER_CLOSING = _prose("""
Ichiraku closed at eleven, except when it didn't.

"You know where the pot is," Teuchi said, untying his apron. He didn't ask who the second bowl was for. He had seen the shape at the far end of the counter, hunched inside a travelling cloak that was more patch than cloak by now. "Lock up. Gas off. If you break my ladle again, it's going on your tab."

"I didn't break it last time, it was already—"

"Goodnight, Naruto." He nodded once towards the cloak. "Welcome back."

The cloak didn't answer, which Naruto supposed was a kind of answer. Teuchi ducked out under the noren, and the shop went quiet all at once: the hum of the cold cabinet, the tick of the broth pot cooling on the back burner, rain starting up soft on the awning.

"You could've said hi," Naruto said.

"I nodded."

"He couldn't see you nod. You've got your hood up. You look like a guy who's about to rob a ramen stand."

Sasuke pushed the hood back. His hair had grown out; there was road dust in it, and a thin new scar along his jaw that Naruto decided, for tonight, not to ask about. He looked tired in a way that went deeper than sleep.

"I'm not hungry," he said.

"Yeah, you are." Naruto was already lighting the burner under the noodle water. "You always say that. Then you eat two bowls, and then you say the second one was only so it wouldn't go to waste. I know your whole thing. It's not complicated."

Sasuke said nothing, which meant Naruto was right.

Cooking was harder than it looked when Teuchi did it. The noodles went in too early and came out too soft. Naruto ladled in the broth, overdid the tare, tried to fix it with more broth and made the bowl so full it slopped over the rim. The egg he'd meant to halve neatly came apart in three pieces. He arranged them on top anyway, with the fishcake in the middle like a flag planted on a hill.

"There," he said, and set it down.

Sasuke looked at it for a long moment.

"Don't say anything," Naruto said. "Just eat it."

He ate it. Naruto made his own bowl, worse than the first, and sat on the stool beside him, and for a while there was nothing but the rain and the sound of two people eating noodles too hot to be eating so fast.

"Where'd you go this time?" Naruto asked eventually.

"East. Then north." Sasuke laid his chopsticks across the bowl. "There's a village past the Land of Frost where nobody has heard of either of us."

"That sounds awful."

"It was quiet."

"Quiet's overrated." Naruto kicked his heels against the counter. "It's been loud here. Good loud, mostly. They're rebuilding the academy wing. Sakura-chan yelled at the council for an hour about the hospital budget and they gave her everything just so she'd stop. Kakashi-sensei's pretending he isn't hiding from paperwork." He paused. "Everybody asks about you."

"They ask you."

"Well, yeah. Who else would they ask?"

Sasuke didn't answer that. He pushed the empty bowl a few centimetres towards Naruto, a small, precise movement, and Naruto grinned and got up without a word and made him another.

The second bowl was better. Not good — the broth was still too salty — but better. Sasuke finished it more slowly.

"That one," he said, "was only so it wouldn't go to waste."

"Uh-huh."

"Your broth is too salty."

"It's Teuchi's broth."

"Then you did something to it."

Naruto washed the bowls, and the pot, and didn't break the ladle. He turned off the gas and checked it twice, because Teuchi would ask. When he pulled down the shutter, the rain had thinned to a mist that haloed the streetlamps, and the village lay dark and sleeping all the way up to the faces on the mountain.

"I'm leaving again in the morning," Sasuke said.

"I figured."

They walked a little way together anyway, towards nowhere in particular.

"Come back before closing next time," Naruto said. "Or after. Whatever. I'll cook again. I'll get better at the egg."

Sasuke glanced at him sideways, and there was something at the corner of his mouth that on anyone else would have been a smile.

"I came back, didn't I," he said.
""")


# --------------------------------------------------------------------------------------------
# 3. One-shot, Pride and Prejudice, quiet domestic
# --------------------------------------------------------------------------------------------

_RAIN_AT_PEMBERLEY = _prose("""
It began to rain at Pemberley on the fourth of October and showed no sign of ever stopping.

Elizabeth, who had grown up in a house where five sisters and a wet day were a recipe for open warfare, found the quiet of it almost unnerving. Georgiana had gone to her pianoforte after breakfast and could be heard, very faintly, working over the same difficult passage as though she meant to wear it smooth. The servants moved about their business with the hushed efficiency of people who had been doing it for years. And her husband had retired to the library, as he did every morning, to answer his letters.

She gave him an hour. Then she went to find him.

He was at the desk by the window, a neat stack of finished correspondence at his left hand and a rather less neat stack of unfinished correspondence at his right. He rose when she came in. He always rose, even now, and she had stopped teasing him about it because she had discovered that she liked it.

"Is something the matter?" he asked.

"A great deal is the matter," said Elizabeth. "It is raining, and you are working."

"The steward's report—"

"Will be precisely as dull tomorrow as it is today." She came round the desk and, with great ceremony, picked up his inkstand. "I am confiscating this."

He looked at the inkstand in her hands, and then at her, with the expression of a man who has been handed a problem he was never taught to solve. "Elizabeth."

"Fitzwilliam."

"What would you have me do instead?"

It was, she realised, an honest question. He did not know. He had been master of Pemberley since he was hardly more than a boy, and she suspected that there had not been a single day since in which he had done nothing at all on purpose.

"Nothing," she said. "Come and do nothing with me. I will show you how. It is a very great skill, and I was raised by its foremost practitioner."

"Your father."

"My father could do nothing for six hours together and call it study." She set the inkstand on the mantelpiece, out of reach of temptation. "We shall begin modestly. You will sit in that chair. I will sit in this one. We will watch the rain."

He sat. She sat. They watched the rain.

After four minutes he said, "The east drain will need clearing before—"

"That is not nothing. That is a drain."

He subsided. The rain ran down the glass in long, wandering lines, and beyond it the park was a soft grey blur, the trees bowing and straightening. Somewhere above them Georgiana had mastered her passage at last and gone on to something gentler. The fire settled in the grate.

"When I was a boy," Darcy said presently, and then stopped, as though surprised to hear himself.

"Go on."

"When I was a boy, I used to race the drops. On this very window. I would choose one near the top and follow it down with my finger, and if it reached the sill before the others, I had won." He paused. "My mother caught me at it once. I thought she would scold me for smearing the glass. Instead she chose a drop of her own."

"And who won?"

"She did. I have always believed she cheated, though I never discovered how."

Elizabeth got up, crossed to the window, and laid her fingertip against the glass beside a fat, promising drop near the top.

"That one is mine," she said. "You had better choose quickly."

He did not move at once. Then he rose and came to stand beside her, and chose a drop of his own — a small one, she thought, and badly placed — and they followed them down together, shoulder to shoulder, in perfect silence, until his small, badly placed drop met another, swelled, and ran all at once to the sill.

"I believe," said Mr. Darcy gravely, "that I have won."

"You cheated."

"I did not know how to cheat until today. I have been taught by an expert."

The letters were not answered that morning, nor that afternoon. The steward's report went unread. The east drain, as it turned out, cleared itself. And at dinner, when Georgiana remarked that she hoped the weather would improve so that they might all walk out tomorrow, her brother looked down the table at his wife and said, with a perfectly straight face, that he rather hoped it would not.
""")


# --------------------------------------------------------------------------------------------
# 4. Long one-shot, Original Work, quiet mystery
# --------------------------------------------------------------------------------------------

_LAMPLIGHTER = _prose("""
The lamps on Vell Street were not like other lamps.

Everywhere else in the city, the lamplighters went out at dusk with brass poles and tins of oil, and the lamps took their flame as any lamp would, and that was the end of it. But Vell Street was older than the rest of the city — older than the river wall, older than the cathedral and the customs house — and its forty lamps had been made by someone who wanted them to remember. Each one answered to a name. You stood beneath it and said, clearly, the name of someone who had lived on the street and was gone, and the glass filled slowly with a light like a late summer afternoon.

Absalom Tenney had lit them for fifty-one years. Wren Halloway had carried his ladder for three.

He died in the first week of the new year, in his chair by the stove, with his boots on and a cup of tea gone cold at his elbow. The doctor said his heart had stopped the way a clock stops, between one tick and the next, and that he would not have felt it. Wren sat with him until the undertaker's men came, and sat on in the empty room after they had gone, and it was only when she noticed she could no longer see her own hands that she understood it was dusk, and nobody had lit the street.

His ledger was on the shelf above the stove, where it always was: a fat book bound in green cloth, gone soft at the corners. She had seldom seen him open it. He knew the names the way other old men know hymns. She did not — not all of them, not yet — and so she took the book down and buttoned it inside her coat, and went out with the ladder on her shoulder into the blue cold of the evening.

* * *

The first lamp stood at the corner where Vell Street met the fish market. She knew this one. Everybody knew this one.

"Marguerite Osei," she said, "who kept the bakery at number two, and gave the burnt loaves away."

The glass warmed. The light came up slowly — it always came slowly, as if it were walking towards you from a long way off — and then it was there, gold and steady, and the street was a little less dark.

She went on. The lamp at number four was for a sailor who had not come home. Number six was for twin sisters, and you had to say both names, one after the other, because it would not light for only one. Number nine was for a dog. Absalom had told her that story her first winter: how the whole street had argued for a month about whether a dog could have a lamp, and how the lamp had settled the matter by lighting at the first try. Wren climbed, and said, "Biscuit, who belonged to everybody," and it lit, and she laughed out loud and then had to stand with her forehead against the cold iron post until her breath came properly again.

People came to their windows. They did not usually; the lighting of the lamps was as ordinary on Vell Street as the tide. But word had gone round, the way it does, and now there were faces behind the glass, and at number seventeen the door opened and old Mrs. Arkwright came out onto her step in a shawl to watch Wren climb.

"He'd be pleased," Mrs. Arkwright said, when seventeen was lit. "You've a clear voice. He always said they liked a clear voice."

"He said they liked to be spoken to properly."

"Same thing." The old woman pulled her shawl closer. "Will you manage the end one?"

"The end one?"

"Number forty. Down by the wall." Mrs. Arkwright nodded along the street, to where it ran out against the old river wall. "He always did that one last, and always after the rest of us were abed. Never let a soul hear him say it. I asked him once whose it was, and he said, 'Oh, it's a crowd, Alice. It's a whole crowd.'" She shook her head. "Goodnight, love. Don't stay out till you freeze."

* * *

The ledger helped with the names Wren didn't know. A fisherman at twenty-two. A schoolteacher at twenty-five. A man at thirty-one whose entry said only Silas, who mended things, and who lit as readily as any of them. The pages were in Absalom's hand, and the oldest pages in other hands before his, the ink going brown and then almost gold with age. Some names had been crossed out and rewritten, the spelling put right. Some had small notes in the margin. Say it slowly. Likes the whole name. Don't forget the middle one, she minded.

By the time she came to thirty-nine, the whole street was lit behind her, a long gold river running back to the market, and her fingers were so cold she could barely close them on the rungs. Thirty-nine was for Absalom's wife, Nell, who had died before Wren was born. Wren said the name, and added what the ledger told her to add — "who laughed at the wrong moments" — and the lamp came up warm and, she thought, a little brighter than the rest.

Then there was only number forty.

It stood a few paces apart, close against the river wall, and its glass was dark and perfectly clean. She had never once cleaned it. She realised that now. On the first of every month she and Absalom had gone down the street with rags and a bucket and scoured the soot and salt from every lamp, and he had always done forty himself, while she packed up the bucket, and she had never thought to wonder why.

She climbed. She put her hand flat to the cold glass.

"Absalom Tenney," she said. "Who kept the lamps."

Nothing happened.

She said it again, more slowly, the whole of it: "Absalom Edwin Tenney, who kept the lamps on Vell Street for fifty-one years." The glass stayed dark. The wind came off the river and found the gap between her scarf and her collar, and for one terrible moment she thought: it's me. It won't have me. He was a lamplighter, and I only carried the ladder.

She climbed down, because her legs were shaking, and sat on the bottom rung with the ledger open on her knees, and turned to the back.

Forty was not there. The entries stopped at thirty-nine. She turned the last page, and then the inside of the back cover, and found it at last: the endpaper had been pasted down over something, and the paste had given way at one corner with age. Wren worked her thumbnail under the paper and peeled it back, and there, on the board beneath, in the oldest hand in the book, was written:

No. 40. For those who kept the street. Say them all, in order, the last one last.

And beneath it, a list.

It was not long. Eleven names, each in a different hand, each written — she understood it slowly, as slowly as the lamps came up — by the one who had come after. Tobias Venn. Margery Venn, his daughter. A Cornelius, a Ruth, a Jonah Pike. On down the centuries, each name followed by the same three words: who kept the lamps. The eleventh name was Hester Quaile, in Absalom's careful, crabbed hand, with a date forty-nine years gone.

Beneath Hester Quaile there was a space. And beneath the space, in the same hand, but in pencil, and recent — the lead still grey and sharp — Absalom had written:

Wren — you'll want to say them in order. Don't rush. Mine goes at the bottom, after Hester's. She used to say she'd be the last name on this list and the street would go dark after her. She was wrong, and she'd be glad of it. Then paste this back the way you found it, and go home, and get warm. And leave room.

She read it three times. Then she took the stub of pencil from her coat pocket — his pencil, the one he had given her for marking the oil tins — and, with fingers that would hardly hold it, wrote in the space beneath Hester Quaile: Absalom Tenney, who kept the lamps.

Then she climbed the ladder again and said them all.

It took some time. She said them slowly and clearly, the way he had taught her, the way they liked. Tobias Venn, who kept the lamps. Margery Venn, who kept the lamps. On down the list, through the centuries: the names of people who had stood where she was standing on cold nights, who had known everyone on the street and spoken to each of them by name every night of their lives, and who had then come down here, after everyone else was abed, and spoken to each other.

"Hester Quaile," she said, "who kept the lamps."

And then: "Absalom Tenney. Who kept the lamps."

The light did not come slowly this time. It came all at once, like a door thrown open, and it was not gold but white, a clear cold white like a winter morning, and it lit the river wall and the cobbles and the ladder and her own upturned face, and went on up into the dark further than any of the others. For a moment she thought she heard something in it — not voices, exactly, but the sense of a great many people in a warm room, all turning at once to see who had come in.

Then it steadied, and was only a lamp, very bright, at the end of a long gold street.

Wren pressed the endpaper back down over the list and smoothed it with her palm. She climbed down, shouldered the ladder, and walked home up the middle of Vell Street with every lamp lit on either side of her. At number seventeen, a curtain moved. She raised her hand to it.

In the morning she would have to find the paste pot. And a new ledger, soon; the green one was nearly full. And an apprentice, one day, to carry the ladder — somebody with a clear voice, who would come down to the end of the street on some cold night a long time from now and find a space left at the bottom of a list.

But that was a long way off. There was room yet.
""")


# --------------------------------------------------------------------------------------------
# 5. One-shot, Original Work, in French
# --------------------------------------------------------------------------------------------

_CERFS_VOLANTS = _prose("""
Le vent s'est levé un mardi, et Mamie Jeanne a déclaré que c'était le jour.

"Le jour de quoi ?" a demandé Léo, qui avait neuf ans et se méfiait des déclarations.

"Le jour du cerf-volant. Va chercher les journaux à la cave. Pas ceux de cette semaine, ton grand-père ne les a pas encore lus."

Grand-père était mort depuis deux ans, mais Mamie Jeanne continuait d'empiler ses journaux sur la chaise de l'entrée, et personne n'osait lui dire d'arrêter. Léo est descendu à la cave et il est remonté avec une brassée de vieux numéros qui sentaient l'humidité et la pomme.

Ils ont travaillé tout l'après-midi sur la table de la cuisine. Deux baguettes de noisetier que Mamie avait coupées au fond du jardin, croisées et ficelées. Le papier journal, collé en trois épaisseurs avec de la colle de farine qu'elle a faite dans une casserole, comme autrefois. Pour la queue, elle a déchiré en bandes une vieille chemise à carreaux. Léo a reconnu la chemise. Il n'a rien dit.

"Il la mettait pour jardiner," a dit Mamie sans lever les yeux. "Elle a bien mérité de voler un peu."

* * *

Le premier essai a été une catastrophe. Le cerf-volant a fait trois mètres, a piqué du nez et s'est planté dans le tas de compost. Le deuxième n'a pas décollé du tout. Au troisième, la ficelle s'est emmêlée dans le prunier et Léo a dû grimper pour la récupérer, en se griffant les mains.

"Il est trop lourd," a-t-il dit, dégoûté. "C'est nul. Ceux du magasin, ils volent tout seuls."

"Ceux du magasin n'ont pas d'histoire," a dit Mamie Jeanne. "Celui-ci lit le journal. Ça prend du temps de se décider, quand on lit le journal."

Elle l'a emmené en haut du pré, là où la haie s'arrête et où le vent arrive tout droit de la mer. Elle lui a mis la bobine dans les mains, elle a pris le cerf-volant elle-même et elle a marché à reculons dans l'herbe haute, le bras levé.

"Quand je lâche, tu cours. Et quand il monte, tu ne tires pas. C'est ce que tout le monde fait, tout le monde tire. Il faut lui donner du fil."

"Pourquoi ?"

"Parce que c'est comme ça qu'on garde les choses qui veulent partir," a dit Mamie. "On leur donne du fil."

Elle a lâché. Léo a couru. Le vent est venu d'un seul coup, et le cerf-volant a tremblé, a hésité — et puis il est monté, monté, au-dessus de la haie, au-dessus du prunier, les bandes de la chemise à carreaux claquant derrière lui comme un drapeau. Léo a senti la ficelle se tendre, vivante, et il a eu envie de tirer, très fort, pour le garder. Il a donné du fil à la place.

Le cerf-volant est monté encore.

Ils sont restés en haut du pré jusqu'à ce que la lumière baisse, Mamie Jeanne assise dans l'herbe, Léo debout, la bobine serrée contre le ventre. Tout là-haut, le petit carré de journal tournait lentement dans le ciel d'octobre, et de temps en temps on pouvait presque lire les gros titres.

"Tu crois qu'il le voit ?" a demandé Léo, sans savoir exactement ce qu'il demandait.

Mamie Jeanne a levé les yeux, longtemps.

"Je crois qu'il est en train de lire les nouvelles," a-t-elle dit. "Il commençait toujours par la météo."
""")


# --------------------------------------------------------------------------------------------
# 6. One-shot, crossover (Holmes x Pride and Prejudice), humour
# --------------------------------------------------------------------------------------------

_DOWAGER = _prose("""
I have set down elsewhere a good many of the cases in which my friend Sherlock Holmes was consulted by the great and the desperate. This is an account of the only occasion on which I saw him consulted by someone who found him funny.

The summons came by telegram, in the spring of the year after I first took rooms in Baker Street: Mrs. Darcy of Pemberley, in Derbyshire, would be obliged if Mr. Holmes would call upon her regarding a letter. The fare was enclosed, for two, first class.

"A very old name and a very old fortune," said Holmes. "The present Mr. Darcy is past sixty. His mother, if I am not mistaken, must be past ninety. And no man of sixty sends for a detective to recover a letter; he sends his solicitor. Only a woman who has outlived the need to be careful would send for me."

We found her in a sunny morning room, sitting very upright by the window with a rug over her knees and a pair of bright dark eyes that went over Holmes from head to foot in the space of one breath. I have seen him do it to others a thousand times. I had never before seen it done to him, and I confess I enjoyed it.

"You are younger than I expected," said Mrs. Darcy.

"I am told it is a condition that improves with time, madam."

"It does not. It only becomes less noticeable to everyone else. Sit down, Mr. Holmes. You too, Doctor. I dislike being looked down on, even by tall men."

For more than sixty years, she told us, she had kept a letter in a rosewood box in her dressing room: a long letter, closely written, given to her by her late husband before they were engaged. "It was not a love letter," she said drily. "Rather the reverse. He had been insulted, and he wished to set the record straight, and he did. It changed my opinion of him entirely, which I think he did not intend, and it changed my opinion of myself, which he certainly did not. Three days ago the box was opened and the letter was gone. Nothing else was taken. There are pearls in the same drawer."

"Who has been in the house these three days?"

"My son and his wife. Two grandsons, who are too stupid to steal anything they cannot ride or shoot. The servants. And my great-granddaughter Lizzy, who is seventeen, and who came to us from her first London season in a very low state."

"Following a ball?" said Holmes.

"Following several."

"And at one of them, did Miss Lizzy take a dislike to a gentleman, and tell him so?"

Mrs. Darcy's eyebrows rose a little. "In front of half of Mayfair, I understand. A Mr. Ashcombe. She thought him proud and he thought her silly, and they were both very eloquent about it. She has been moping in the rose garden ever since."

"Then your letter is not lost, madam. It is being studied." Holmes leaned back. "Everyone in this house knows your story; I saw the portraits on the stair. Your great-granddaughter has misjudged a man and wishes to write and tell him so, and she has never written such a letter in her life. So she has borrowed the best example she knows. In her writing desk you will find it, together with a great many spoiled drafts that begin very formally and end in blots."

For a moment Mrs. Darcy said nothing. Then she began to laugh — a low, delighted laugh, surprisingly young, that went on for some time and ended with a handkerchief pressed to her eyes.

"Oh, that is very good," she said. "Fitzwilliam would have been mortified. No, you need not search her desk. Let her keep it a week. It did me a great deal of good once; I see no reason it should not do the same again."

"Then I have been of no use to you."

"On the contrary. I have learned that my great-granddaughter has more sense than I feared, and that you are exactly as clever as people say and a good deal more tactful. Doctor, is he always so tactful?"

"Never, madam," I said.

"I thought not. I am flattered." She rang for tea. "After luncheon, Mr. Holmes, you may walk in the rose garden. If you meet a young lady there who looks as though she would like to die of embarrassment, you may tell her that her great-grandmother once said a great many foolish things to a proud man at a dance, and lived a long and happy life regardless."

Holmes rose and bowed — a real bow, which I saw him give perhaps three people in all the years I knew him.

"I shall deliver the message exactly," he said.

He did. Miss Lizzy Darcy came in to tea with her colour high and her chin up, and the letter was back in its rosewood box within the week. A wedding invitation reached Baker Street the following spring, with a note on the back in a very old, very firm hand: Mr. Holmes — you were quite right about the drafts. There were eleven.
""")


# --------------------------------------------------------------------------------------------
# 7. One-shot, Naruto, humour, F/F
# --------------------------------------------------------------------------------------------

_FLORIOGRAPHY = _prose("""
The first bouquet arrived at Yamanaka Flowers on a Monday, which was itself a provocation, because Sakura knew perfectly well that Monday was when Ino did the accounts.

It wasn't even delivered. Sakura walked in, chose it, paid for it at the counter — exact change, counted out coin by coin — and then handed it straight back across the counter with a smile like a kunai.

"For you," she said. "Look it up."

Yellow carnations. Ino didn't need to look it up. Every florist's child in the village could recite the old flower meanings before they could spell their own names, and her mother had made sure she could recite three different books' worth. Yellow carnations meant disdain. Rejection. You have disappointed me.

"Huh," said Ino. "Bold."

"I've been reading," said Sakura, and left.

* * *

The second bouquet came on Wednesday. Orange lilies and a sprig of basil: hatred, according to whatever Sakura was reading, which Ino was fairly sure was the battered little volume on the library's third floor with the broken spine.

"You know basil isn't a flower," Ino said.

"It's a statement."

"It's a herb. It's what you put on tomatoes." She sniffed it. "It's nice basil, though. Did you get this at the market by the east gate?"

Sakura's ears went pink. She left without answering.

The third bouquet, on Friday, was foxglove — insincerity — which Ino confiscated at once on the grounds that it was poisonous, and Sakura of all people should know better than to wave it around a shop where children came in.

"You're a medic," she said. "You run a hospital department. I'm reporting you to yourself."

"It's symbolic."

"It's digitalis."

Sakura looked at the foxglove, and then at Ino, and then — unexpectedly — laughed: the real laugh, the loud snorting one she'd had since they were six and had spent years trying to train out of herself. Ino hadn't heard it in a while. She found she had missed it more than she would have guessed.

* * *

The problem, Ino reflected over the weekend, was that she was losing.

Not the argument. There wasn't really an argument. Neither of them could remember what had started it — something at Chouji's birthday about who had been the better student in their academy year, which was a stupid thing to fight about when you were both grown women with jobs. The problem was that Sakura was putting effort in. She was going to the library. She was going to the market for basil. And Ino, who actually knew the language of flowers, who had been born into it, hadn't sent back a single word.

So on Monday she closed the shop at noon and walked to the hospital with an armful of something carefully chosen.

Sakura was at the admissions desk with a clipboard. She looked up, saw Ino coming, saw the flowers, and set the clipboard down with the air of a woman preparing for a fight.

"Go on, then," she said. "What's this one? Contempt? Betrayal? Your breath smells?"

Ino laid them on the desk. Red tulips, and a few stems of white jasmine for good measure, because her mother had taught her always to finish a sentence.

Sakura stared at them.

"I don't know this one," she said slowly. "It wasn't in the library book."

"No," said Ino. "It wouldn't be. That's a beginner's book. All the mean ones are easy." She leaned her elbows on the desk. "You want to look it up, Forehead, you'll have to come to the shop. I've got the good book. Tonight, after closing. Bring the basil. I'll do the tomatoes."

Sakura opened her mouth, closed it, and went slowly, gloriously red from her collar to her hairline.

"Is that a yes?" said Ino.

"I'm going to look it up," said Sakura, "and if it says what I think it says, you're paying for dinner."

"It says exactly what you think it says," said Ino, and went back to work whistling.
""")


# --------------------------------------------------------------------------------------------
# 8. Multi-chapter, Sherlock Holmes, mystery (complete, restricted)
# --------------------------------------------------------------------------------------------

_BELL_1 = _prose("""
Of all the complaints that have been carried up the seventeen steps to our rooms in Baker Street, I recall none stranger than that of Mr. Amos Thorne, verger of St. Olave's in Southwark, who came to report that a bell had failed to ring.

He was a small, anxious man in a black coat gone green at the seams, and he sat on the edge of the basket chair as if he expected it to be taken from under him. Holmes, who had been in a black mood for four days for want of anything to do, regarded him over steepled fingers with no great hope.

"The police, I take it, were not interested in your bell," said Holmes.

"The police are interested in poor Jacob, sir. Not in the bell. I'm afraid I've told it badly." Thorne turned his hat round in his hands. "Jacob Frain kept our clock. Thirty-one years he kept it. Wound it every morning, oiled it every Saturday, and heard it strike every hour of the day and night, for he lodged in the cottage against the tower wall and said he couldn't sleep without it. On Tuesday night it struck eleven. It did not strike twelve, nor one, nor any hour after until the morning. And in the morning Jacob was found at the bottom of the tower stair with his head broken."

Holmes's hands came down from his face.

"The inspector says he fell," Thorne went on. "The stair is steep, and there's no rail, and Jacob was sixty-eight. The inspector says he went up in the night because the clock had stopped, and missed his footing in the dark coming down. And that's as may be. But sir—" He looked up, and his anxious face was very earnest. "The clock didn't stop. When I went up to the clock room at seven, the hands stood at the right time. It was going perfectly. It was only the bell that was silent."

"Ah," said Holmes softly.

"And Jacob's lantern was at the top of the stair, sir, not the bottom. Still burning. If he was coming down in the dark, why would he leave his light behind him?"

There was a short silence. I saw Holmes's long fingers begin to drum upon the arm of his chair, and knew that the black mood had lifted.

"Who has been up the tower since Tuesday night?"

"Only myself, sir, to the clock room. And the churchwarden, Mr. Lusk, who came at eight when he heard the news, and went up to the bell chamber to see what was amiss. And Jacob's nephew Daniel came asking after his uncle's things, but the inspector wouldn't let him past the door. The inspector's taken a dislike to Daniel."

"And what did Mr. Lusk find amiss in the bell chamber?"

"Nothing, sir. Nothing at all, he said. And at nine o'clock the bell struck as though it had never stopped."

Holmes was on his feet and reaching for his coat.

"Watson, your hat," he said. "Mr. Thorne, I should like to see your tower before the light goes. A clock that keeps perfect time and a bell that forgets to ring, and then remembers again the moment a churchwarden pays it a visit — I think we must have a look at that bell."
""")

_BELL_2 = _prose("""
St. Olave's stood in a narrow lane off Tooley Street: a squat, soot-black church with a tower rather too tall for it, as though it had been built for a grander parish that had never come. Lestrade was waiting in the porch with the air of a man who has been told a thing is closed and does not care to see it opened again.

"It's a fall, Mr. Holmes," he said, before we had so much as greeted him. "An old man, a steep stair, a dark night. I've seen a dozen like it."

"I don't doubt it. Have you seen the bell?"

"What's the bell to do with it?"

"Everything, I suspect," said Holmes, and went in.

The tower stair was stone and then timber, winding up through the dark in a space scarcely wider than a man's shoulders. Thorne showed us the place at its foot where Frain had been found; the flags had been scrubbed, though not perfectly. I had read the police surgeon's note on the way: a single heavy injury to the back of the skull, consistent, he wrote, with a fall backwards down a stair. I said as much to Holmes.

"Backwards," he repeated. "A man coming down a steep stair in the dark faces the steps, Watson, or goes sideways, feeling for the wall. He does not walk down backwards. Unless he is backing away from something."

We climbed. Past the landing, where Thorne had found the lantern. Past the clock room, where the great iron movement ticked in its case, oiled and spotless: Frain's pride, Thorne said, as another man might speak of a son. Then up a ladder and through a trap into the bell chamber itself.

It was a cold, high, whistling place, open to the wind through louvred windows, with the one great bell hanging in its frame and the clock hammer poised beside it on an iron arm. Holmes went to the hammer at once. He examined it with his lens for some minutes, his long back bent like a heron's, and then drew from its pivot something I could not at first see: a short length of thread, pale yellow, stiff with wax.

"Linen," he said. "Waxed. Seven strands, twisted by hand. You will not find thread like this in a draper's, Lestrade. It belongs to one trade, for work that must bear weight and weather."

"Meaning?"

"Meaning that on Tuesday evening someone bound a pad of leather round the face of this hammer, so that when the clock came to strike midnight it would only knock softly against the bell. And on Wednesday morning, before nine o'clock, somebody removed it in a hurry and left this behind." He straightened. "Jacob Frain had heard that bell every hour for thirty-one years. Such a man does not sleep through its silence. He wakes, and wonders, and takes his lantern, and climbs. The bell did not ring, Lestrade, because somebody wished Jacob Frain to come up this tower at midnight. And somebody was waiting for him when he did."

Lestrade was quiet for a moment. "The nephew," he said at last. "Daniel Frain. He quarrelled with the old man on Sunday, in the street, in front of witnesses. Over money."

"Possibly," said Holmes. "But I should like to see the cottage before we hang anybody."

The cottage yielded one thing only, but it was enough. In the drawer of Frain's table lay a notebook in which he had recorded, in a round, laborious hand, every winding and oiling of the clock for eleven years. The last page had been torn out. Holmes held the page beneath it to the window, then took a pencil and rubbed it very lightly across the paper, and the ghost of the missing words rose up grey against the white.

New bearings for the bell — £40 paid from the fund in March. NOT DONE. Same old bearings. Must ask Mr. L.

"Mr. L.," said Holmes, and looked at Thorne.

The verger had gone quite pale. "Mr. Lusk," he said. "The churchwarden. He keeps the restoration fund."

"And by trade?"

"He's a saddler, sir. In the Borough High Street."
""")

_BELL_3 = _prose("""
Lusk's shop stood halfway along the Borough High Street beneath a painted sign of a gilded horse-collar. It smelled of leather, neatsfoot oil and beeswax, and the man himself sat at his bench at the back: a broad, quiet, grey-whiskered person with a heavy needle in each hand, stitching a girth strap with the quick double-handed motion of his trade.

He looked up as we entered, saw Lestrade, and stopped stitching.

Holmes did not speak of the church at all at first. He walked slowly round the shop, admiring a bridle here and a saddle there, and asked about the tanning of hides and the merits of Irish linen, which Lusk answered in a low, careful voice. I watched his hands. They had gone quite still on the bench.

"And your thread," said Holmes at last. "You twist it yourself, I think? Waxed with yellow beeswax?"

"Seven strands for a girth," said Lusk. "Five for lighter work."

"Seven," said Holmes, "for a muffle that must hold against the blows of a clock hammer." He laid the little twist of thread on the bench beside a hank of Lusk's own. There was no need to say they were the same. "You had the leather to hand, no doubt. You are not a wasteful man. You cannot afford to be, with forty pounds of the bell fund to account for, and the bearings in that tower the same ones that were hung there in the old king's time."

For a long moment Lusk said nothing. Then he set down his needles, side by side, as a man lays down tools he does not expect to pick up again.

"I meant to speak to him," he said. "That's all. I'd been short last winter; trade was bad. I meant to put it back — I did put some of it back. But Jacob had gone up and looked at the bearings, and written it down, and he was going to the vicar on Wednesday. He told me so. He said he was sorry for it, but he'd have to." Lusk looked at his hands. "I thought if I could get him alone, up there, where nobody would hear… I thought I could make him see. I thought I could beg him."

"So you silenced his bell, knowing he would come."

"I knew he'd come. He'd have come if the tower was on fire." Lusk's voice cracked. "He came up the stair with his lantern and found me waiting on the landing, and he knew at once. He was angry. I'd never seen him angry. He set down the lantern and turned to go back down, and I caught at his sleeve — only to stop him, only to make him listen — and he pulled away from me, and the stair was behind him, and—"

He did not finish. He did not need to.

"And you left him where he lay," said Holmes quietly, "and went home, and came back at eight o'clock when the news was out, to climb the tower in front of everyone and take the muffle away."

Lusk bowed his head. Lestrade stepped forward, and it was over.

* * *

On Sunday morning I walked down to Southwark alone; Holmes had declared the case closed and was playing something tuneless on his violin. St. Olave's bell rang for the service, and struck eleven on the hour exactly, loud and plain and a little flat, over the roofs of the lane.

Thorne, in the porch, told me that young Daniel Frain had asked to keep the clock, and the vicar had agreed, and the lad had been up the tower every morning that week, learning it. "He's not got his uncle's touch," he said. "Not yet. But he listens for it. That's most of it, I think, sir. The listening."

I told Holmes as much that evening. He stopped playing, and was silent for some while.

"Lusk counted on a man who listened," he said at last. "And it was a silence that betrayed him. There is a lesson in that, Watson, though I confess I should not like to be the one to preach it."
""")


# --------------------------------------------------------------------------------------------
# 9. Multi-chapter, Original Work, adventure (work in progress, length unknown)
# --------------------------------------------------------------------------------------------

_SALT_1 = _prose("""
Nobody in Brine would take Tamsin Reed across the White.

She had asked at the caravanserai, and the caravanserai had laughed. She had asked at the salt-cutters' hall, and the salt-cutters had looked at her surveying chain and her brass compass and her leather tube of blank charts and laughed harder. She had asked an old woman selling dates by the well, and the old woman had not laughed at all, which was worse; she had only said, "Go home, little scribe," quite kindly, and given her a date for nothing.

By the evening of the third day Tamsin was down to the last place anyone had suggested, a tavern at the very edge of town called the Last Water, and the last name anyone had given her, which was Ilse Varga.

Ilse Varga sat alone at a corner table with her boots up on the chair opposite and a curved knife on the table in front of her, which she was not using for anything, as far as Tamsin could see, except to discourage company. She was perhaps thirty. She had the particular squint of someone who has spent years looking at very bright, very flat things, and a scar through one eyebrow that gave her a look of permanent, faintly amused doubt.

"You're the mapmaker," she said, before Tamsin had opened her mouth. "The whole town's talking about you. You're the funniest thing to happen here since the camel got into the temple."

"I've been commissioned by the Merchants' Guild at Kesh," said Tamsin, with as much dignity as she could find, "to make an accurate survey of the Salt Road from Brine to the oasis at Sefa. I need a guide. I'm told you've made the crossing eleven times."

"Twelve." Ilse took her boots off the chair, which Tamsin chose to treat as an invitation, and sat. "And I'll tell you what I told the last Guild man, and the one before him. You can't map the Salt Road. It moves."

"Roads don't move."

"This one does. Every spring the rains come up from the south and the whole White turns into a lake a finger deep, and when it dries, the crust cracks different. The firm ground's somewhere else. The soft ground's somewhere else. The road you walked last year will swallow a mule this year." Ilse spread her hands. "Your Guild wants a line on a paper. There is no line."

Tamsin had heard this before — from the Guild, in fact, when they hired her, in almost exactly those words, followed by a good deal of laughing. She unrolled one of her charts on the table between them, weighted the corners with Ilse's cup and Ilse's knife, and took out her pencil.

"Then I won't draw a line," she said. "I'll draw how it moves."

Ilse looked at the blank chart for a long moment. Then she looked at Tamsin, properly, for the first time: the look you give a stone you were about to step over, when you see something glinting underneath.

"Double the Guild's fee," she said. "Half now. And out there, you do what I say, when I say it, without arguing. Even if you think I'm wrong. Especially if you think I'm wrong."

"Agreed."

"You didn't even think about it."

"I did," said Tamsin. "I think quickly. We leave at dawn?"

"We leave before dawn. Nobody sensible walks on the White in the heat of the day." Ilse picked up her knife, looked at the little crease it had left in the chart, and — to Tamsin's surprise — smoothed it flat with her thumb. "Bring a scarf. A big one. And whatever that compass is, don't get attached to it."
""")

_SALT_2 = _prose("""
The compass gave up about an hour out of Brine.

It did not break. It simply stopped having opinions. The needle drifted, then swung, then settled pointing firmly at Ilse's left boot, and when Tamsin turned in a full circle it went on pointing at Ilse's left boot with perfect devotion.

"Iron in the crust," said Ilse, without turning round. "Comes up from underneath. Told you not to get attached."

"You said not to get attached. You didn't say why."

"You'd have argued."

Tamsin put the compass away, and did not argue, and walked.

The White at night was not white. It was grey, and then, as the sky paled behind them, a soft blue, and then a pink so delicate it seemed to be breathing. Underfoot the salt had set into plates the size of tabletops, each rimmed with a low ridge where it had pushed against its neighbours, so that the whole plain looked like a vast honeycomb laid flat to the horizon. Their boots crunched. The two mules crunched. Otherwise there was no sound at all — no birds, no insects, not yet any wind. Tamsin had never heard a silence so large.

Ilse walked without hesitation, choosing her way from plate to plate along a path that wandered, doubled back on itself, and at times went nowhere near the direction of Sefa at all.

"How are you choosing?" Tamsin asked, after a while.

"The ridges." Ilse crouched and ran a finger along one. "Look. Where the crust's thick, the ridges stand high and sharp. Where it's thin, over wet mud, they're low and soft, like the edge of a loaf. You walk the high ones."

Tamsin crouched beside her and looked. And then, with a lurch like missing a stair, she saw it: not only the ridges under her hand but the pattern of them, running away in every direction — the high sharp plates gathered in long, wavering bands, the soft ones pooling between — the whole White laid out before her like a map that was already finished and only wanted reading.

She took out her pencil. She didn't draw a road. She drew the bands.

They walked on into the sunrise. When the light came over the rim of the world it came all at once, blinding, every plate of salt a mirror, and Tamsin flinched and stumbled, and Ilse caught her elbow without looking and, with her other hand, unwound the great pale scarf from her own neck and dropped it over Tamsin's head.

"Told you to bring a big one," she said.

"I did. It's in the pack."

"Well, wear mine, then." A pause. "It suits you."

Tamsin, behind the scarf, was grateful for the cover.

It was mid-morning, and the heat beginning to press down on them like a hand, when Ilse stopped so suddenly that Tamsin walked into her back.

"What—"

Ilse pointed.

Across the high plates ahead, crossing their path at an angle, ran a line of footprints. Fresh ones: the crust broken clean, the salt at the edges still glittering, not yet dulled by wind. One person, walking alone, heading neither west to Sefa nor east back to Brine, but south — straight out towards the middle of the White, the place the salt-cutters called the Heart, where the crust was thinnest and the mud beneath it deepest, and where no one in Ilse's twelve crossings had ever gone.

And they were barefoot.

Ilse knelt by the nearest print for a long time. When she stood up, her face had gone very still.

"Well, mapmaker," she said quietly. "Get your pencil out. I think we've found somewhere that isn't on anybody's chart."
""")


# --------------------------------------------------------------------------------------------
# 10. Multi-chapter, Naruto, epistolary (3 of 5 posted)
# --------------------------------------------------------------------------------------------

_LETTERS_1 = _prose("""
Sasuke-kun,

Naruto says you won't read this if it's longer than a page, so I'm writing on both sides. He also says to tell you the hawk bit him. It didn't. He tried to feed it ramen.

Everything here is fine. Better than fine, mostly. The hospital's new wing opened last week, and there were speeches, and Kakashi-sensei gave one that was nine words long and got the biggest applause of the day. Ino did the flowers. Naruto cried. (He'll say he didn't. He did.) I've been put in charge of the trauma ward, which means I haven't slept properly since, but it also means I get to decide where the good chairs go, and that is a kind of power I didn't know I wanted.

The cherry trees along the river came out early this year. I walked home that way after a night shift and the whole bank was pink and the petals were coming down on the water like snow, and I thought — I don't know what I thought. I thought you'd have stopped to look. You always stopped to look at things when you thought nobody was watching you.

I don't know where you are. I don't need to know. I just wanted you to have something that came from here, so you'd remember it's still here.

You don't have to write back.

(Write back.)

— Sakura

* * *

Sakura,

Received. The hawk is well. It is raining here.

— S.

P.S. The cherry trees in the Land of Rivers flower later than ours. They are still in bud. I will look at them when they open.
""")

_LETTERS_2 = _prose("""
Sasuke-kun,

I read your letter eleven times. I want you to know that isn't a lot, for me. I read patient files eleven times. It's a professional habit.

Did you look at the trees? You have to tell me if you looked at the trees. That's how letters work. I tell you things, and you tell me things back, and we both pretend it's normal.

It's hot here. The kind of hot where the whole village moves slowly, even Naruto, and the old men sit outside the tobacconist's with their feet in buckets of water. I've started something new: a clinic in the afternoons, for the children who came through the war and don't sleep. We don't do anything medical, really. We draw, and we talk, and sometimes we just sit. It's the hardest work I've ever done. I come home and can't even eat. Ino brings me rice balls and stands over me until I finish them.

What do you eat? Do you eat? I have a picture of you in my head, sitting on a rock somewhere with nothing but a canteen and a bad attitude, and I need you to tell me it's wrong.

— Sakura

* * *

Sakura,

I looked at the trees. They opened on the ninth day. They were white, not pink, and there was a wind, and I stayed longer than I meant to.

I eat. Yesterday it was grilled fish and rice, in a river town where there was a summer festival. I do not usually stay for festivals. A child there asked me where my arm had gone. Her mother was embarrassed and tried to pull her away. I did not know what to say to the child. I thought that you would have known. I told her I had lost it being stupid, and had been lucky to lose only that. She thought about it and said that her brother was stupid too, and gave me half of her candied apple.

Your clinic is good work. You should eat more than rice balls.

The hawk will not carry anything heavier than paper, or I would send you the peaches from this valley. They are the best I have had. I will bring some, if I come back through in season.

— S.
""")

_LETTERS_3 = _prose("""
Sasuke-kun,

Short one. Sorry. There was a landslide in the north valley and we've been up there four days. Everyone's alive. Everyone. I'm so tired I can't see straight, and so happy I can't sleep.

I'll write properly soon.

— S. (Sakura. I'm too tired to write my whole name. Look what you've done to me.)

* * *

Sakura,

Your letter was short, and I did not know why, and I read it at a waystation with the hawk eating on my shoulder, and for some time I could not make myself open it. I am telling you this because you said I have to tell you things. I do not like it. I will do it anyway.

I am glad everyone is alive. I am glad it was you who went.

It is autumn here too. I am in the hills on the border, where the maples turn before anywhere else, and in the mornings the whole slope below the tea house where I am staying is red. The woman who keeps it asked whether I was waiting for someone. I said no. She did not believe me, and brought two cups anyway, and left one across the table from me. I let her.

You ask what I do. Mostly I walk. I listen to what people say about the war, now that it is over, and about the villages, and about us. They do not know who I am, so they say it freely. Some of it is hard to hear. I think it is important that I hear it.

What are you reading? You always had a book. Tell me what it is.

I will be coming back through the Land of Fire in the winter. I will not stay long. I would like to see your clinic, if the children would not mind a stranger.

Eat.

— Sasuke
""")


# --------------------------------------------------------------------------------------------
# 11. Multi-chapter, Pride and Prejudice modern AU, humour (complete)
# --------------------------------------------------------------------------------------------

_MARGINS_1 = _prose("""
The man in the grey coat came into Longbourn Books every Saturday at eleven, browsed for exactly forty minutes, and bought nothing.

Elizabeth Bennet had owned the shop for two years, and had learned to recognise every species of customer a second-hand bookshop in a small market town could attract: the collectors, who handled first editions like holy relics; the students, who sat on the floor of the philosophy section and read whole chapters without paying; the retired men who wanted to tell her about the war, though none of them was old enough to have been in one. The man in the grey coat was none of these. He simply walked the shelves with his hands behind his back, like a visiting inspector, and from time to time he sighed.

On the fourth Saturday, on his way out, he paused at the counter.

"Your poetry section," he said, "appears to have been alphabetised by someone with a grudge."

"It's alphabetised by title."

"Yes. That's the grudge."

And he left, and the bell over the door jangled behind him in a way Elizabeth took personally.

"That's Darcy," said Charlotte, when Elizabeth went next door to the café to complain. Charlotte knew everyone. "Bingley's friend. He came to the housewarming and stood in a corner all night. Jane says he's shy."

"Jane says everyone's shy. Jane would say a bear was shy."

"Well, he told Bingley your shop was 'charming, in a hobbyist sort of way'. I heard him. He was standing right behind me."

Elizabeth set her coffee cup down very carefully, so as not to break it.

* * *

The box came in on a Tuesday, from a house clearance in Kent: a grand, cold old place called Rosings, whose owner was "simplifying", the dealer said, with the face of a man who had been shouted at down the phone. Most of it was what Elizabeth expected — bound sermons, uncut; an encyclopaedia from before the First World War. But at the bottom was a battered paperback anthology of poems, its cover held on with brown parcel tape, and when she opened it, the margins were full.

Small, neat handwriting in pencil, on nearly every page. Not scholarly notes. Arguments. Beside a grand sonnet about love that lasts for ever, someone had written: Easy to say at twenty-five. Check back at sixty. Beside a long, solemn poem about a hawk: Have met this hawk. He is not as majestic as all that. And beside a silly poem about a goat that ate a vicar's hat, in a slightly younger pencil: Read this to G. when she had flu. She laughed so hard she got hiccups. Worth it.

Elizabeth read the whole book standing up behind the counter. Then she read it again. By the end of the second time she had the uncomfortable feeling that she had spent the afternoon with someone she would have liked very much, if only she knew who they were.

She did not price it. Instead, after some hesitation, she took her own pencil and wrote beside the sonnet, under the first note: Sixty is a bit pessimistic. Give it till forty. Then she shelved the book in poetry — by title, pointedly — and went home.
""")

_MARGINS_2 = _prose("""
The following Saturday, the man in the grey coat came in at eleven and did not browse.

He came straight to the counter, and Elizabeth, who had been polishing a number of remarks about hobbyists all week, found she could not use any of them, because he looked — there was no other word for it — stricken.

"I'm sorry to trouble you," said Mr. Darcy. "My aunt has been clearing her house. She sent several boxes to a dealer without asking anybody, and I've spent the week tracking them down. I'm looking for one book in particular. It isn't valuable. It's a paperback, poetry, the cover's falling off—"

"Taped," said Elizabeth.

He stopped.

"The cover's taped," she said. "With brown parcel tape, very badly. Poetry section. Under A, for An Anthology." She paused. "By title."

He looked at her for a moment. Then he went to the poetry section without a word, and she heard him find it, and heard the pages turn, and then for a long time heard them not turning at all.

When he came back to the counter his ears were red.

"You've written in it," he said.

"So have you. Rather a lot." Elizabeth folded her arms. "Who's G.?"

"My sister. Georgiana. She was twelve." He set the book down between them, carefully, as though it might still be running a temperature. "I bought it at university. I wrote in it for years — a bad habit; I never thought anyone else would read it. I left it at my aunt's when I moved, and I'd assumed it was lost." He looked at the page where her pencil sat under his. "Forty?"

"It seemed generous."

"It's very generous." And then, to her great surprise, he smiled: a small, crooked, awkward thing, nothing like the face he wore on Saturdays. "You've argued with me on nineteen pages."

"You counted."

"I read it on the floor of your poetry section. It took a while." He hesitated. "You were right about the hawk poem. I was unfair to it. And I was wrong about the shop, at Bingley's. It's a very good shop. I come here every week because it's the only place in this town where nobody expects me to talk, and I was rude about it because I was rude about everything that night. I'm sorry."

Elizabeth regarded him. She thought about the goat, and the hiccups, and a twelve-year-old girl with flu.

"I've been rude about you for a month," she said. "Mostly to Charlotte. Some of it to the cat. Let's call it even." She turned the book round on the counter. "Anyway, I haven't priced it. It's not for sale to hobbyists."

"What is it for sale to?"

"People who'll admit the poetry section is fine."

"It's alphabetised by title," he said, in real pain; and then, watching her face: "It's fine. It's perfectly fine. I'll pay whatever you like."

She charged him a pound. He paid with a ten and did not wait for change, and then, at the door, he turned back and laid the book on the counter again.

"There's still room in the margins," said Mr. Darcy. "If you wanted to keep going. I'll be in on Saturday."

He came in on Saturday. And the Saturday after. By the spring the book had no room left in it at all, and they had to buy another.
""")


# --------------------------------------------------------------------------------------------
# 12. Draft, Naruto, humour
# --------------------------------------------------------------------------------------------

_EXCUSES = _prose("""
By his own estimate, Hatake Kakashi has been late to some eleven hundred meetings with Team Seven, and has offered an excuse for every one. Here are the most frequent, ranked from least to most believed.

Sixth: "A black cat crossed my path, so I had to take the long way round." Naruto pointed out that there was no long way round; the training ground was at the end of a straight road. Kakashi said that was what made it so long.

Fifth: "I was helping an old lady with her shopping." On the third occasion Sakura went and found the old lady, who turned out to be real, and who said that Kakashi had carried her shopping very nicely and then stood in her kitchen reading a small orange book for forty minutes while she made him tea. Sakura came back furious. Kakashi maintained that this still counted as helping.

Fourth: "There was a queue at the bakery." Believed exactly once, because Naruto had been in the same queue, three places behind him, and had not noticed him leave it to go and sit on a roof.

Third: "I was here the whole time. I was testing your awareness." Believed twice by Naruto and once by Sakura, and never by Sasuke, who said it was statistically impossible to have been here the whole time on eleven consecutive Tuesdays.

Second: "I overslept." Nobody ever believed this one. It was too ordinary. It was, on every occasion, completely true.

First, and most believed of all: the single morning he arrived early. He was standing at the bridge when they got there, neat and awake and holding three cartons of milk. All three of his students assumed he was an impostor and attacked him on the spot. It took twenty minutes and a very personal question about Naruto's frog wallet to convince them otherwise.

* * *

There is one excuse he has never offered, because it is not an excuse.

At the edge of the training grounds there is a stone with names cut into it, and in the mornings, before the bridge, he stands there until the sun clears the trees. He talks, mostly. Lately he has been telling the names about his students: that Naruto has learned to keep his feet on the water, and that Sakura hits harder than she lets anyone see, and that Sasuke said something almost kind yesterday and then looked as if he wanted to take it back.

He is always late because there is always more to tell them.
""")


DEMO_WORKS: list[dict] = [
    {
        "title": "The Umbrella Problem",
        "pseuds": [INKWELL],
        "fandoms": [HOLMES],
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["Gen"],
        "relationships": ["Sherlock Holmes & John Watson"],
        "characters": ["Sherlock Holmes", "John Watson", "Mrs. Hudson"],
        "freeforms": [
            "Humor",
            "Rain",
            "221B Baker Street",
            "Deductions Gone Wrong",
            "Mrs. Hudson Is Not Your Housekeeper",
        ],
        "language": "en",
        "summary": "A strange umbrella turns up in the stand at 221B on the wettest morning of the year, and Holmes deduces everything about its owner except who she is.",
        "notes": "A small rainy-day story, told by Watson.",
        "end_notes": "Mrs. Hudson got her green umbrella. Watson is still waiting for an apology.",
        "restricted": False,
        "draft": False,
        "expected_chapters": 1,
        "chapters": [
            {"title": "", "summary": "", "notes": "", "end_notes": "", "text": _UMBRELLA},
        ],
    },
    {
        "title": "After Closing",
        "pseuds": [MOTH],
        "fandoms": [NARUTO],
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["Gen"],
        "relationships": ["Uzumaki Naruto & Uchiha Sasuke"],
        "characters": ["Uzumaki Naruto", "Uchiha Sasuke", "Teuchi"],
        "freeforms": ["Post-Canon", "Friendship", "Ramen", "Late at Night", "Rain", "Quiet"],
        "language": "en",
        "summary": "Sasuke comes back through Konoha after midnight, and Teuchi leaves Naruto the keys. The ramen is too salty. Nobody minds.",
        "notes": "",
        "end_notes": "Thank you for reading! Kudos and comments are always lovely.",
        "restricted": False,
        "draft": False,
        "expected_chapters": 1,
        "chapters": [
            {"title": "", "summary": "", "notes": "", "end_notes": "", "text": _AFTER_CLOSING},
        ],
    },
    {
        "title": "What the Rain Is For",
        "pseuds": [INKWELL],
        "fandoms": [AUSTEN],
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["F/M"],
        "relationships": ["Elizabeth Bennet/Fitzwilliam Darcy"],
        "characters": ["Elizabeth Bennet", "Fitzwilliam Darcy", "Georgiana Darcy"],
        "freeforms": ["Post-Canon", "Married Life", "Fluff", "Rain", "Domestic", "Pemberley"],
        "language": "en",
        "summary": "Their first autumn at Pemberley, it rains for a week. Elizabeth confiscates an inkstand and teaches her husband the art of doing nothing.",
        "notes": "For everyone who has ever raced raindrops down a window.",
        "end_notes": "",
        "restricted": False,
        "draft": False,
        "expected_chapters": 1,
        "chapters": [
            {"title": "", "summary": "", "notes": "", "end_notes": "", "text": _RAIN_AT_PEMBERLEY},
        ],
    },
    {
        "title": "The Lamplighter of Vell Street",
        "pseuds": [MOTH],
        "fandoms": [ORIGINAL],
        "rating": "Teen And Up Audiences",
        "warnings": ["Major Character Death"],
        "categories": ["Gen"],
        "relationships": [],
        "characters": ["Wren Halloway", "Absalom Tenney", "Alice Arkwright"],
        "freeforms": [
            "Fantasy",
            "Grief/Mourning",
            "Lamplighters",
            "Magic",
            "Winter",
            "Mentor/Apprentice",
            "Bittersweet",
        ],
        "language": "en",
        "summary": "Every lamp on Vell Street answers to a name. On the night the old lamplighter dies, his apprentice has to light them all alone, and the last lamp will not answer to his.",
        "notes": "The character death happens before the story begins and is gentle. This is a story about being the one who is left to carry on.",
        "end_notes": "",
        "restricted": False,
        "draft": False,
        "expected_chapters": 1,
        "chapters": [
            {"title": "", "summary": "", "notes": "", "end_notes": "", "text": _LAMPLIGHTER},
        ],
    },
    {
        "title": "Les cerfs-volants d'octobre",
        "pseuds": [MOTH],
        "fandoms": [ORIGINAL],
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["Gen"],
        "relationships": ["Jeanne & Léo"],
        "characters": ["Jeanne", "Léo"],
        "freeforms": [
            "Grandparents",
            "Autumn",
            "Kites",
            "Grief/Mourning",
            "Family",
            "Français | French",
        ],
        "language": "fr",
        "summary": "Un mardi d'octobre, Mamie Jeanne décide qu'il est temps de fabriquer un cerf-volant avec de vieux journaux et une chemise qui a beaucoup servi. Léo apprend qu'on ne garde pas les choses en tirant dessus.",
        "notes": "Pour tous ceux qui ont eu une grand-mère capable de tout faire avec de la ficelle.",
        "end_notes": "",
        "restricted": False,
        "draft": False,
        "expected_chapters": 1,
        "chapters": [
            {"title": "", "summary": "", "notes": "", "end_notes": "", "text": _CERFS_VOLANTS},
        ],
    },
    {
        "title": "The Adventure of the Dowager's Letter",
        "pseuds": [INKWELL, MOTH],
        "fandoms": [HOLMES, AUSTEN],
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["Gen"],
        "relationships": ["Sherlock Holmes & John Watson", "Elizabeth Bennet/Fitzwilliam Darcy"],
        "characters": [
            "Sherlock Holmes",
            "John Watson",
            "Elizabeth Bennet",
            "Original Female Character(s)",
        ],
        "freeforms": [
            "Crossover",
            "Humor",
            "Letters",
            "Old Age",
            "Pemberley",
            "Elizabeth Darcy Is Ninety And Unimpressed",
        ],
        "language": "en",
        "summary": "In the spring of 1882 a very old lady at Pemberley sends for a young consulting detective about a missing letter. She is not in the least impressed by him, and she is delighted.",
        "notes": "Co-written: one of us did the Holmes, one of us did the Darcys, and we argued about the ending by post. The dates are a little generous to everyone.",
        "end_notes": "",
        "restricted": False,
        "draft": False,
        "expected_chapters": 1,
        "chapters": [
            {"title": "", "summary": "", "notes": "", "end_notes": "", "text": _DOWAGER},
        ],
    },
    {
        "title": "Floriography for Beginners",
        "pseuds": [INKWELL],
        "fandoms": [NARUTO],
        "rating": "Teen And Up Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["F/F"],
        "relationships": ["Haruno Sakura/Yamanaka Ino"],
        "characters": ["Haruno Sakura", "Yamanaka Ino"],
        "freeforms": [
            "Humor",
            "Flower Shop",
            "Language of Flowers",
            "Rivals to Lovers",
            "Fluff",
            "Post-Canon",
        ],
        "language": "en",
        "summary": "Sakura has found a book about the language of flowers and is using it to insult Ino, three times a week, at Ino's own counter. Ino knows a great deal more about flowers than Sakura does.",
        "notes": "Flower meanings vary a lot between books, which is rather the point.",
        "end_notes": "Red tulips: a declaration. Look it up.",
        "restricted": False,
        "draft": False,
        "expected_chapters": 1,
        "chapters": [
            {"title": "", "summary": "", "notes": "", "end_notes": "", "text": _FLORIOGRAPHY},
        ],
    },
    {
        "title": "The Adventure of the Silent Bell",
        "pseuds": [INKWELL],
        "fandoms": [HOLMES],
        "rating": "Mature",
        "warnings": ["Creator Chose Not To Use Archive Warnings"],
        "categories": ["Gen"],
        "relationships": ["Sherlock Holmes & John Watson"],
        "characters": [
            "Sherlock Holmes",
            "John Watson",
            "Inspector Lestrade",
            "Original Characters",
        ],
        "freeforms": [
            "Mystery",
            "Case Fic",
            "Victorian London",
            "Pastiche",
            "Murder Mystery",
            "Bells",
        ],
        "language": "en",
        "summary": "A church clock in Southwark keeps perfect time, but on the night its keeper dies, the bell forgets to strike. Holmes is very interested in the bell.",
        "notes": "Rated for a death and some sober description of an injury. Nothing gratuitous.",
        "end_notes": "Complete! Thank you to everyone who followed along.",
        "restricted": True,
        "draft": False,
        "expected_chapters": 3,
        "chapters": [
            {
                "title": "The Verger",
                "summary": "A small, anxious man climbs the seventeen steps to Baker Street with a complaint about a bell.",
                "notes": "",
                "end_notes": "",
                "text": _BELL_1,
            },
            {
                "title": "The Bell Chamber",
                "summary": "A steep stair, a clock hammer, and a length of waxed thread.",
                "notes": "",
                "end_notes": "",
                "text": _BELL_2,
            },
            {
                "title": "The Saddler's Stitch",
                "summary": "",
                "notes": "",
                "end_notes": "",
                "text": _BELL_3,
            },
        ],
    },
    {
        "title": "The Salt Road",
        "pseuds": [MOTH],
        "fandoms": [ORIGINAL],
        "rating": "Teen And Up Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["F/F"],
        "relationships": ["Tamsin Reed/Ilse Varga"],
        "characters": ["Tamsin Reed", "Ilse Varga"],
        "freeforms": ["Adventure", "Fantasy", "Desert", "Maps", "Slow Burn", "Work In Progress"],
        "language": "en",
        "summary": "A mapmaker has been hired to chart a road across a salt flat that moves every spring. The only guide who will take her says it can't be done, and then takes the job anyway.",
        "notes": "Updates when the road lets me. I know where it ends; I don't yet know how long it is.",
        "end_notes": "",
        "restricted": False,
        "draft": False,
        "expected_chapters": None,
        "chapters": [
            {
                "title": "Brine",
                "summary": "Nobody will take Tamsin across the White, except the one person everyone warned her about.",
                "notes": "",
                "end_notes": "",
                "text": _SALT_1,
            },
            {
                "title": "The First White Mile",
                "summary": "",
                "notes": "",
                "end_notes": "To be continued. I know where the footprints lead.",
                "text": _SALT_2,
            },
        ],
    },
    {
        "title": "Letters by Hawk",
        "pseuds": [INKWELL],
        "fandoms": [NARUTO],
        "rating": "Teen And Up Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["F/M"],
        "relationships": ["Uchiha Sasuke/Haruno Sakura"],
        "characters": ["Uchiha Sasuke", "Haruno Sakura", "Uzumaki Naruto", "Yamanaka Ino"],
        "freeforms": ["Post-Canon", "Epistolary", "Letters", "Slow Burn", "Seasons", "Pining"],
        "language": "en",
        "summary": "A year of letters between Konoha and the road. Sakura writes on both sides of the page. Sasuke's replies get longer.",
        "notes": "One chapter per season, plus one more.",
        "end_notes": "",
        "restricted": False,
        "draft": False,
        "expected_chapters": 5,
        # A work skin (lib/css.py scopes it to the work): each chapter's text on letter paper.
        "work_skin": dedent("""
            .userstuff { background-color: #fbf6e9; color: #3b2f1e; border: 1px solid #e2d6b8;
                         border-radius: 4px; padding: 1.5em 2em; box-shadow: 0 1px 4px rgba(0, 0, 0, 0.15);
                         font-family: Georgia, "Times New Roman", serif; }
            .userstuff p:first-of-type { font-style: italic; }
            .userstuff hr { border: none; border-top: 1px dashed #c9b98f; }
        """).strip(),
        "chapters": [
            {
                "title": "Spring",
                "summary": "",
                "notes": "",
                "end_notes": "",
                "text": _LETTERS_1,
            },
            {
                "title": "Summer",
                "summary": "",
                "notes": "",
                "end_notes": "",
                "text": _LETTERS_2,
            },
            {
                "title": "Autumn",
                "summary": "",
                "notes": "",
                "end_notes": "Winter is half written. The fifth chapter is a secret.",
                "text": _LETTERS_3,
            },
        ],
    },
    {
        "title": "Second-Hand Opinions",
        "pseuds": [MOTH],
        "fandoms": [AUSTEN],
        "rating": "General Audiences",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["F/M"],
        "relationships": [
            "Elizabeth Bennet/Fitzwilliam Darcy",
            "Elizabeth Bennet & Charlotte Lucas",
        ],
        "characters": ["Elizabeth Bennet", "Fitzwilliam Darcy", "Charlotte Lucas"],
        "freeforms": [
            "Alternate Universe - Modern Setting",
            "Alternate Universe - Bookshop",
            "Humor",
            "Enemies to Lovers",
            "Marginalia",
        ],
        "language": "en",
        "summary": "Elizabeth's bookshop has a Saturday customer who never buys anything and disapproves of her shelving. Then a box of books comes in from a house in Kent, and one of them has been written in.",
        "notes": "",
        "end_notes": "The poetry section is still alphabetised by title.",
        "restricted": False,
        "draft": False,
        "expected_chapters": 2,
        "chapters": [
            {
                "title": "Margin Notes",
                "summary": "",
                "notes": "",
                "end_notes": "",
                "text": _MARGINS_1,
            },
            {
                "title": "Replies",
                "summary": "The man in the grey coat comes in on Saturday and does not browse.",
                "notes": "",
                "end_notes": "",
                "text": _MARGINS_2,
            },
        ],
    },
    {
        "title": "Excuses, Ranked",
        "pseuds": [INKWELL],
        "fandoms": [NARUTO],
        "rating": "Not Rated",
        "warnings": ["No Archive Warnings Apply"],
        "categories": ["Gen"],
        "relationships": ["Hatake Kakashi & Team 7"],
        "characters": ["Hatake Kakashi", "Uzumaki Naruto", "Haruno Sakura", "Uchiha Sasuke"],
        "freeforms": ["Humor", "Pre-Shippuden", "Lists", "Team 7 Feels", "Kakashi Is Always Late"],
        "language": "en",
        "summary": "Every excuse Kakashi has ever given Team Seven for being late, ranked by how often they believed it. And the one he never gives.",
        "notes": "Draft. Not sure about the order of the middle ones; the bakery might go.",
        "end_notes": "",
        "restricted": False,
        "draft": True,
        "expected_chapters": 1,
        "chapters": [
            {"title": "", "summary": "", "notes": "", "end_notes": "", "text": _EXCUSES},
        ],
    },
]
