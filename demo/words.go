package demo

// Word lists for the generated large data set: Swedish-looking place names,
// people, and sentences about local development. All invented.

var placeHeads = []string{"Ek", "Björk", "Lind", "Asp", "Al", "Sjö", "Berg", "Hög", "Norr", "Sör", "Väster", "Öster",
	"Mal", "Kvarn", "Bruks", "Kyrk", "Stor", "Lill", "Hassel", "Rönn", "Gran", "Tall", "Ängs", "Mo", "Ström",
	"Fors", "Bäck", "Sand", "Sten", "Hägg", "Ulv", "Räv", "Ör", "Tors", "Frös", "Vret", "Skog", "Myr", "Lund", "Kärr"}

var placeTails = []string{"by", "holm", "näs", "vik", "sjö", "torp", "berga", "hult", "köping", "tuna", "sta", "å",
	"dal", "bro", "fors", "ryd", "stad", "åker", "vreta", "lunda"}

var firstNames = []string{"Anna", "Erik", "Maria", "Lars", "Karin", "Anders", "Eva", "Johan", "Sara", "Per", "Lena", "Karl",
	"Emma", "Nils", "Ingrid", "Olof", "Kerstin", "Gustav", "Elsa", "Mats", "Linnea", "Hassan", "Amina", "Oskar", "Maja",
	"Ali", "Sofia", "Jonas", "Ida", "Henrik", "Astrid", "Mikael", "Fatima", "Viktor", "Agnes", "Leila", "Björn", "Ulla"}

var lastNames = []string{"Andersson", "Johansson", "Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsson", "Persson",
	"Svensson", "Gustafsson", "Pettersson", "Jonsson", "Lindberg", "Lindqvist", "Holm", "Berg", "Ek", "Sandberg",
	"Forsberg", "Nyström", "Lundgren", "Bergström", "Söderberg", "Engström", "Åberg", "Hedlund", "Falk", "Wikström"}

var themeTitles = []string{"Boende och bebyggelse", "Trafik och säkra vägar", "Mötesplatser och kultur", "Natur, bad och friluftsliv",
	"Näringsliv och service", "Barn och unga", "Bredband och kommunikationer", "Trygghet och belysning", "Turism och besöksnäring",
	"Äldre och omsorg"}

var actionVerbs = []string{"Rusta upp", "Bygga", "Utreda", "Anlägga", "Förbättra", "Starta", "Planera", "Se över", "Ordna",
	"Utveckla", "Måla om", "Flytta", "Belysa", "Skylta", "Röja"}

var actionObjects = []string{"badplatsen", "gång- och cykelvägen till skolan", "lekplatsen vid torget", "bygdegården",
	"busshållplatsen", "elljusspåret", "hembygdsmuseet", "parken vid kyrkan", "bryggan vid sjön", "fotbollsplanen",
	"infarten till orten", "stationsområdet", "vandringsleden", "grillplatsen", "skolgården", "torghandeln",
	"pumptrackbanan", "utegymmet", "laddplatser för elbil", "hundrastgården", "motionsslingan", "julbelysningen",
	"informationstavlan", "bredbandsnätet", "fiskevårdsområdet", "hyresbostäder för unga", "trygghetsboendet"}

var words = []string{"vi", "vill", "att", "orten", "ska", "bli", "en", "bättre", "plats", "för", "alla", "som", "bor", "här",
	"och", "det", "behövs", "mer", "ljus", "längs", "vägen", "barnen", "går", "till", "skolan", "på", "morgonen", "många",
	"har", "frågat", "om", "badet", "kan", "öppnas", "igen", "föreningen", "hjälper", "gärna", "till", "med", "arbetet",
	"kommunen", "borde", "se", "över", "trafiken", "genom", "byn", "sommaren", "vintern", "besökare", "handlare", "skulle",
	"ha", "nytta", "av", "en", "samlingslokal", "ungdomar", "saknar", "något", "att", "göra", "på", "kvällarna", "grannar",
	"träffas", "oftare", "när", "det", "finns", "en", "bänk", "och", "ett", "bord", "vid", "sjön", "gräsklippning",
	"skötsel", "ideellt", "tillsammans", "bidrag", "från", "Leader", "landsbygdsprogrammet", "snart", "nästa", "år",
	"trygghet", "belysning", "cykelväg", "hållplats", "bussen", "tåget", "pendla", "jobb", "service", "affären", "posten"}

var placeKinds = []string{"Bygdegården", "Skolans matsal", "Församlingshemmet", "Biblioteket", "Folkets hus", "Idrottsklubbens stuga", "Hembygdsgården"}

var streets = []string{"Storgatan", "Skolvägen", "Kyrkvägen", "Sjövägen", "Stationsgatan", "Bruksvägen", "Torggatan", "Parkvägen"}

var departments = []string{"Samhällsbyggnadsförvaltningen", "Kultur- och fritidsförvaltningen", "Barn- och utbildningsförvaltningen",
	"Kommunstyrelsens förvaltning", "Socialförvaltningen"}

var ideaStarts = []string{"Bänkar vid", "Bättre belysning vid", "Städdag vid", "Blommor vid", "Loppis vid", "Boulebana vid",
	"Sommarcafé vid", "Cykelställ vid", "Laddstolpe vid", "Konstvägg vid", "Fler papperskorgar vid", "Farthinder vid",
	"Utegym vid", "Bokbytarhylla vid", "Konsert vid", "Midsommarfirande vid", "Skridskobana vid", "Fågelholkar vid"}
