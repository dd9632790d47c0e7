package demo

import "github.com/ortsplan/ortsplan"

// demoResident is a fictional resident of the demo; the e-mail address is
// made from the number (ortsbo01@ortsplan.example), never a real one.
type demoResident struct {
	name, home string
}

// residents are the demo's residents; ideas, supports and comments name them
// by their place in this list.
var residents = []demoResident{
	{"Anna Bergström", "flen"}, {"Mohammed Ali", "flen"}, {"Kerstin Olsson", "flen"}, {"Jonas Lund", "flen"},
	{"Eva Sandberg", "malmkoping"}, {"Lars Wikström", "malmkoping"}, {"Birgitta Holm", "malmkoping"},
	{"Ahmed Yusuf", "halleforsnas"}, {"Margareta Nilsson", "halleforsnas"}, {"Peter Johansson", "halleforsnas"}, {"Elin Forsberg", "halleforsnas"},
	{"Gunnar Åberg", "sparreholm"}, {"Sofia Lindqvist", "sparreholm"}, {"Ingrid Persson", "sparreholm"},
	{"Tomas Hedlund", "mellosa"}, {"Linnea Ström", "mellosa"},
	{"Bengt Eriksson", "bettna"}, {"Fatima Hassan", "bettna"}, {"Ulla Karlsson", "bettna"},
	{"Göran Mattsson", "skebokvarn"}, {"Helena Sjöberg", "skebokvarn"},
	{"Nils Gustafsson", "vadsbro"}, {"Maja Axelsson", "vadsbro"},
	{"Anonym ortsbo", ""},
}

type demoComment struct {
	by    int // resident
	days  int // after the idea was proposed
	body  string
	reply bool   // a reply to the comment before it
	hide  string // a moderator hid it, with this public reason
}

type demoAnswer struct {
	status ortsplan.IdeaStatus
	days   int // after the idea was proposed
	text   string
	action string // the plan action it became, by title
}

type demoIdea struct {
	slug        string
	by          int // resident
	daysAgo     int
	title, body string
	supports    int // how many residents support it
	comments    []demoComment
	answer      *demoAnswer
	place       ortsplan.Place
}

func answer(st ortsplan.IdeaStatus, days int, text string) *demoAnswer {
	return &demoAnswer{status: st, days: days, text: text}
}

var ideas = []demoIdea{
	// Flen
	{slug: "flen", by: 0, daysAgo: 400, title: "Fler bänkar längs Salsta-promenaden",
		body: "Många äldre går promenaden runt sjön men det finns få ställen att vila på. Sätt gärna en bänk var tredje hundra meter.", supports: 14,
		comments: []demoComment{{by: 2, days: 3, body: "Ja! Min mamma vänder halvvägs för att hon inte orkar hela vägen utan att sitta."}},
		answer:   answer(ortsplan.IdeaDone, 120, "Tack för förslaget. Sex nya bänkar sattes upp längs promenaden i våras.")},
	{slug: "flen", by: 1, daysAgo: 210, title: "Läxhjälp på biblioteket på kvällarna",
		body: "Det skulle hjälpa många familjer om det fanns läxhjälp två kvällar i veckan, med frivilliga från föreningarna.", supports: 9,
		comments: []demoComment{{by: 3, days: 5, body: "Jag kan tänka mig att hjälpa till med matte."}, {by: 1, days: 6, body: "Vad bra, tack Jonas!", reply: true}},
		answer:   answer(ortsplan.IdeaPreparing, 30, "Kultur- och fritidsförvaltningen pratar med biblioteket och studieförbunden om hur det kan ordnas.")},
	{slug: "flen", by: 2, daysAgo: 95, title: "Blommor i krukor på Storgatan",
		body: "Storgatan känns grå på sommaren. Stora blomkrukor utanför butikerna skulle göra centrum trevligare.", supports: 6,
		answer: answer(ortsplan.IdeaReceived, 10, "Tack! Vi tar med förslaget till mötet med handlarna i centrum.")},
	{slug: "flen", by: 3, daysAgo: 40, title: "Cykelparkering med tak vid stationen",
		body: "Cyklarna blir blöta och det finns för få platser. En cykelparkering med tak och ställ att låsa fast ramen i behövs.", supports: 11},
	{slug: "flen", by: 23, daysAgo: 12, title: "Inhägnad plats för hundar i Flen",
		body: "Det finns ingen inhägnad plats där hundar kan springa lösa. Ett förslag är gräsytan bakom idrottsplatsen.", supports: 3},
	{slug: "flen", by: 0, daysAgo: 300, title: "Konstgräsplan vid varje skola",
		body: "Bygg en konstgräsplan vid alla skolor i Flen så att barnen kan spela fotboll året om.", supports: 4,
		answer: answer(ortsplan.IdeaNotRelevant, 45, "Tack för förslaget. Kommunen har inte pengar till konstgräs vid varje skola. Den nya planen vid idrottsplatsen är öppen för alla på kvällar och helger.")},

	// Malmköping
	{slug: "malmkoping", by: 4, daysAgo: 260, title: "Hjärtstartare vid Stora Torget",
		body: "Det händer mycket på torget på sommaren och under marknaderna. En hjärtstartare som alla kan nå dygnet runt skulle kunna rädda liv.", supports: 18,
		comments: []demoComment{{by: 5, days: 2, body: "Bra förslag. Den kan sitta på väggen vid bankomaten där det är ljust."}, {by: 6, days: 4, body: "Viktigt att det finns en kurs också, så att folk vågar använda den."}},
		answer:   &demoAnswer{status: ortsplan.IdeaInPlan, days: 40, text: "Förslaget är med i handlingsplanen. Vi placerar hjärtstartaren vid torget och bjuder in till en kurs.", action: "Hjärtstartare"}},
	{slug: "malmkoping", by: 5, daysAgo: 180, title: "Skyltar till Malmahed från södra infarten",
		body: "Besökare som kommer söderifrån hittar inte till Malmahed och museet. Det behövs skyltar redan vid infarten.", supports: 7,
		answer: answer(ortsplan.IdeaReceived, 14, "Tack. Skyltningen från söder finns redan med i handlingsplanen, och vi lägger till Malmahed i underlaget.")},
	{slug: "malmkoping", by: 6, daysAgo: 75, title: "Offentlig toalett som är öppen på vintern",
		body: "Toaletten vid torget är stängd från oktober till april. Då kommer också besökare, till exempel till julmarknaden.", supports: 12,
		comments: []demoComment{{by: 4, days: 1, body: "Håller med. Det är svårt med små barn när allt är stängt."}},
		answer:   answer(ortsplan.IdeaPreparing, 20, "Vi räknar på vad det kostar att hålla toaletten öppen och varm hela året.")},
	{slug: "malmkoping", by: 4, daysAgo: 30, title: "Lägre hastighet på Plevnahöjden",
		body: "Bilarna kör fort nedför backen där barnen går till skolan. Sätt upp 30-skyltar och gärna ett farthinder.", supports: 8,
		comments: []demoComment{{by: 5, days: 2, body: "De som kör för fort borde få körkortet indraget på livstid, allihop.", hide: "Kommentaren är borttagen eftersom den inte håller sig till förslaget och följer inte reglerna för kommentarer."},
			{by: 6, days: 3, body: "Ett farthinder vid övergångsstället skulle räcka långt."}}},
	{slug: "malmkoping", by: 23, daysAgo: 8, title: "Loppis på torget en lördag i månaden",
		body: "En återkommande loppis skulle locka folk till torget och handlarna runt omkring.", supports: 2},

	// Hälleforsnäs
	{slug: "halleforsnas", by: 7, daysAgo: 500, title: "Belysning på promenadstråket runt Brukssjön",
		body: "Stråket är fint men helt mörkt på vintern. Belysning på den första biten från bruket skulle göra att fler går där.", supports: 16,
		comments: []demoComment{{by: 8, days: 3, body: "Jag går inte där efter fyra på eftermiddagen i november. Belysning behövs."}},
		answer:   answer(ortsplan.IdeaDone, 200, "Belysningen på den första kilometern från bruket är klar. Tack för förslaget!"),
		place:    spot(59.1549, 16.4978, "Stråket från bruket")},
	{slug: "halleforsnas", by: 8, daysAgo: 230, title: "Sommarkafé i bruksområdet",
		body: "Ett kafé i ett av de gamla husen vid bruket, öppet på helgerna under sommaren, skulle samla både ortsbor och besökare.", supports: 10,
		answer: answer(ortsplan.IdeaReceived, 21, "Tack. Förslaget går vidare till arbetsgruppen för näringsliv, service och marknadsföring.")},
	{slug: "halleforsnas", by: 9, daysAgo: 120, title: "Gjutjärnsdagar med visning av gjuteriet",
		body: "Hälleforsnäs är känt för sitt gjutjärn. En årlig dag med visning och försäljning skulle visa upp ortens historia.", supports: 13,
		comments: []demoComment{{by: 10, days: 4, body: "Hembygdsföreningen kan säkert hjälpa till med guidningen."}, {by: 9, days: 5, body: "Bra, jag hör av mig till dem.", reply: true}},
		answer:   answer(ortsplan.IdeaPreparing, 25, "Arbetsgruppen för kultur och fritid planerar en första gjutjärnsdag nästa sommar tillsammans med föreningarna.")},
	{slug: "halleforsnas", by: 10, daysAgo: 55, title: "Utegym vid badplatsen",
		body: "Ett enkelt utegym med några stationer vid badplatsen, som alla kan använda gratis.", supports: 5},
	{slug: "halleforsnas", by: 7, daysAgo: 20, title: "Busshållplats med väderskydd vid skolan",
		body: "Barnen står i regnet och väntar på bussen. Ett väderskydd vid hållplatsen vid skolan behövs.", supports: 9},
	{slug: "halleforsnas", by: 8, daysAgo: 340, title: "Flytta vårdcentralen tillbaka till orten",
		body: "Vi vill ha en egen vårdcentral i Hälleforsnäs igen.", supports: 15,
		answer: answer(ortsplan.IdeaNotRelevant, 30, "Tack för förslaget. Vårdcentraler är regionens ansvar och inte kommunens. Vi har lämnat förslaget vidare till Region Sörmland.")},

	// Sparreholm
	{slug: "sparreholm", by: 11, daysAgo: 450, title: "Trygg väg till stationen för den som går",
		body: "Det saknas trottoar på en bit av vägen mellan Spårvägen och Nyköpingsvägen. Många går där till tåget i mörker.", supports: 12,
		comments: []demoComment{{by: 12, days: 2, body: "Särskilt farligt på vintern när plogvallarna tar upp vägrenen."}},
		answer:   answer(ortsplan.IdeaReceived, 15, "Tack. En bättre väg för gående på sträckan finns med i ortens handlingsplan, och vi följer upp den där.")},
	{slug: "sparreholm", by: 12, daysAgo: 200, title: "Bryggor och grillplats vid Hälleren",
		body: "En gemensam grillplats med bänkar vid badet skulle göra stranden till en mötesplats på sommarkvällarna.", supports: 8,
		answer: answer(ortsplan.IdeaDone, 90, "Grillplatsen och två nya bänkar är på plats vid badet.")},
	{slug: "sparreholm", by: 13, daysAgo: 110, title: "Trygghetsboende för äldre",
		body: "Många äldre vill bo kvar i Sparreholm men kan inte sköta sitt hus. Det behövs lägenheter för äldre i orten.", supports: 17,
		comments: []demoComment{{by: 11, days: 6, body: "Det här har vi pratat om länge. Bra att det kommer upp igen."}},
		answer:   answer(ortsplan.IdeaPreparing, 30, "Förslaget hör ihop med seniorboendet vid Kapellet i handlingsplanen. Kom gärna till workshopen om det.")},
	{slug: "sparreholm", by: 11, daysAgo: 35, title: "Anslagstavla vid affären",
		body: "Det är svårt att veta vad som händer i orten. En anslagstavla vid affären där föreningarna kan sätta upp lappar.", supports: 4},
	{slug: "sparreholm", by: 12, daysAgo: 5, title: "Julmarknad på Sparreholms slott",
		body: "Kan kommunen hjälpa till att ordna en julmarknad tillsammans med slottet och föreningarna?", supports: 1},

	// Mellösa
	{slug: "mellosa", by: 14, daysAgo: 150, title: "Starta ortsutveckling i Mellösa",
		body: "Vi är flera som vill vara med och ta fram en plan för Mellösa. Kan kommunen bjuda in till ett första stormöte?", supports: 10,
		comments: []demoComment{{by: 15, days: 3, body: "Jag är med! Bygdegården går att låna."}},
		answer:   answer(ortsplan.IdeaReceived, 12, "Tack, det gör vi gärna. Samordnaren hör av sig om ett datum för ett första möte.")},
	{slug: "mellosa", by: 15, daysAgo: 70, title: "Gång- och cykelväg mot Flen",
		body: "Vägen mot Flen är smal och bilarna kör fort. Många skulle cykla om det fanns en säker cykelväg.", supports: 7,
		answer: answer(ortsplan.IdeaNotRelevant, 40, "Tack. Vägen är Trafikverkets, och en cykelväg finns inte med i deras planer de närmaste åren. Vi har lämnat förslaget till Trafikverket och tar upp det igen när Mellösa har en plan.")},
	{slug: "mellosa", by: 14, daysAgo: 25, title: "Gatubelysning vid kyrkan",
		body: "Det är mörkt på vägen förbi kyrkan och församlingshemmet. Några lampor till skulle göra stor skillnad.", supports: 3,
		place: spot(59.1016, 16.5593, "Vägen förbi kyrkan")},
	{slug: "mellosa", by: 23, daysAgo: 3, title: "Mötesplats för unga",
		body: "Det finns inget att göra för oss som är 13–16 år. Kan vi få låna en lokal någon kväll i veckan?", supports: 2},

	// Bettna
	{slug: "bettna", by: 16, daysAgo: 380, title: "Belysning vid busshållplatsen vid väg 52",
		body: "Hållplatsen vid korsningen är helt mörk. Barnen som åker till skolan står där i mörker på morgonen.", supports: 19,
		comments: []demoComment{{by: 17, days: 1, body: "Det är riktigt otäckt där på vintern."}, {by: 18, days: 2, body: "Vi har sagt det här länge. Bra att det finns här nu."}},
		answer:   answer(ortsplan.IdeaPreparing, 60, "Trafikverket har sagt nej till belysning. Kommunen har erbjudit sig att förskottera kostnaden, och vi väntar på Trafikverkets svar."),
		place:    spot(58.9059, 16.6429, "Busshållplatsen vid väg 52")},
	{slug: "bettna", by: 17, daysAgo: 160, title: "Fiber till husen utanför byn",
		body: "Flera gårdar utanför Bettna har fortfarande inte fiber. Kan fiberföreningen och kommunen göra en ny intresseanmälan?", supports: 11,
		answer: answer(ortsplan.IdeaReceived, 9, "Tack. Förslaget går till bredbandsgruppen, som planerar en ny intresseanmälan.")},
	{slug: "bettna", by: 18, daysAgo: 45, title: "Öppen förskola i bygdegården",
		body: "Föräldralediga i Bettna har långt till öppna förskolan i Flen. En förmiddag i veckan i bygdegården skulle räcka långt.", supports: 6},
	{slug: "bettna", by: 16, daysAgo: 15, title: "Välkomstskylt vid infarterna",
		body: "En skylt med ”Välkommen till Bettna” och ortens föreningar vid infarterna.", supports: 4},

	// Skebokvarn
	{slug: "skebokvarn", by: 19, daysAgo: 600, title: "Ramp så att alla kan bada",
		body: "Det behövs en ramp vid badplatsen så att den som sitter i rullstol eller går med rollator kan komma ner till vattnet.", supports: 9,
		answer: answer(ortsplan.IdeaDone, 250, "Rampen vid badplatsen är klar. Tack för förslaget!")},
	{slug: "skebokvarn", by: 20, daysAgo: 140, title: "Bokbytarhylla i busskuren",
		body: "En hylla där man kan lämna och ta böcker, i den gamla busskuren vid vändplanen.", supports: 5,
		answer: answer(ortsplan.IdeaReceived, 7, "Tack! Byalaget har erbjudit sig att sätta upp och sköta hyllan.")},
	{slug: "skebokvarn", by: 19, daysAgo: 60, title: "Visa upp kvarnmiljön för besökare",
		body: "Skyltar som berättar om kvarnen och hur orten vuxit fram, längs en kort promenad från badplatsen.", supports: 7,
		comments: []demoComment{{by: 20, days: 2, body: "Jag har gamla bilder från kvarnen som kan användas."}}},
	{slug: "skebokvarn", by: 20, daysAgo: 10, title: "Fler papperskorgar vid badet",
		body: "På sommaren blir det mycket skräp vid badplatsen. Två papperskorgar till skulle hjälpa.", supports: 3},

	// Vadsbro
	{slug: "vadsbro", by: 21, daysAgo: 190, title: "Bygdens eget kulturarv på nätet",
		body: "Samla gamla bilder och berättelser från Vadsbro på en sida som alla kan se.", supports: 4,
		answer: answer(ortsplan.IdeaReceived, 20, "Tack. Vi tipsar hembygdsföreningen och biblioteket, som arbetar med digitalt kulturarv.")},
	{slug: "vadsbro", by: 22, daysAgo: 50, title: "Säkrare skolskjutsplats vid kyrkan",
		body: "Barnen kliver av skolskjutsen vid vägen där bilarna kör fort. En ficka där bussen kan stanna behövs.", supports: 6},
	{slug: "vadsbro", by: 21, daysAgo: 18, title: "Gemensam städdag i bygden",
		body: "En städdag i maj med korvgrillning efteråt. Kommunen kan bidra med säckar och hämtning.", supports: 2},
}
