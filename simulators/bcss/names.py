"""Curated name and street lists for the simulated Belgian population.

Each origin groups last names with male and female first names as they are written in the register
(accents, hyphens, particles and compound names kept: "Van den Bergh", "De la Croix", "El Amrani",
"Jean-François", "Müller"). Lists are whitespace-separated except where a name holds a space: those lists
are separated by "|". Streets: French, Dutch and German names for the communes of each language, and
French/Dutch pairs for Brussels.
"""


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


def _bars(text: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in text.split("|") if part.strip())


FLEMISH_LAST = _bars("""
Peeters | Janssens | Maes | Jacobs | Mertens | Willems | Claes | Goossens | Wouters | De Smet | Vermeulen |
Van den Broeck | Hermans | Pauwels | Van Damme | Lambrechts | De Clercq | Martens | Aerts | De Backer |
Verstraete | Vandenberghe | Van de Velde | Desmet | De Vos | Coppens | Michiels | Smets | Stevens | Van Dyck |
Vervoort | Declercq | D'Hondt | Vanden Driessche | Van Acker | Verhoeven | Baert | Segers | De Wilde | Cools |
Dierckx | Leemans | Bogaerts | Verbeke | Geerts | Van Hecke | Thijs | Lemmens | Wauters | Pieters | Claeys |
Maas | Janssen | Vandenberg | De Meyer | Van Hoof | Verlinden | Hendrickx | Vandamme | Moens | De Cock |
Vermeersch | Goethals | Van Laere | Van den Bergh | Van Gucht | De Bruyne | De Bruijn | Verschueren |
Vanhoutte | Debruyne | Van Mechelen | Schepens | Van Rompaey | Deckers | Huysmans | Van Looy | Cornelis |
Vanneste | Van der Linden | Dewulf | Delanghe | Bracke | Snoeck | Van Belle | Verheyen | Dhaene | Meeus |
Vandevelde | Van Eeckhout | Sterckx | Raes | Callewaert | Dewitte | Nys | Van Hove | Coene | Vanderstraeten |
De Keyser | Ceulemans | Van Goethem | Lauwers | Hoste | Mortier | Beckers | Van Driessche | Tack | Luyten
""")
FLEMISH_MALE = _words("""
Jan Peter Johan Luc Marc Dirk Koen Bart Tom Wim Geert Stijn Pieter Jef Jozef Willem Lars Wout Seppe Lucas
Arne Jens Kobe Ruben Thijs Joris Frederik Hendrik Filip Kurt Hans Erik Patrick Guido Rudi Jos Frans Staf
Robbe Warre Mathis Lowie Vic Jules Louis Noah Finn Mats Bram Gert Ivo Karel Herman Raf
""")
FLEMISH_FEMALE = _words("""
An Els Katrien Sofie Ellen Griet Lieve Hilde Marleen Annelies Lotte Fien Nore Lien Elke Inge Veerle Marijke
Sarah Eva Hanne Leen Joke Kaat Mieke Jolien Ine Anke Femke Ilse Greet Godelieve Maria Rita Jeanne Liesbeth
Nele Tine Emma Marie Olivia Mila Lina Ella Noor Nina Elise Lore Margot Jana
""")

WALLOON_LAST = _bars("""
Dubois | Lambert | Dupont | Martin | Simon | Laurent | Dumont | Leclercq | Lejeune | François | Renard |
Fontaine | Collard | Denis | Dupond | Lefèvre | Lefebvre | Delacroix | De la Croix | Gilson | Pirard |
Henrard | Delvaux | Mathieu | Legrand | Remy | Hubert | Marchal | Thiry | Jacquet | Gérard | Herman |
Lemaire | Bodart | Lecomte | Collignon | Dethier | Delhaye | Piette | Wilmotte | Noël | Deprez | Michaux |
Masson | Duchêne | Poncelet | Dufour | Rousseau | Leroy | Durand | Moreau | Bastin | Charlier | Hardy |
Jadoul | Piérard | Gillet | Goffin | Lambotte | Colson | Lhoest | Delforge | Gobert | Closset | Dessy |
Baudoux | Wautier | Hanquet | Lebrun | Detry | Lecocq | Dewez | Frère | Gauthier | Huet | Delcourt |
Dumoulin | Wéry | Lorent | Toussaint | Mahieu | Fivet | Dethy | Marchand | Meunier | Leonard | Delmotte
""")
WALLOON_MALE = _words("""
Jean Pierre Michel Philippe Jean-François Jean-Pierre Luc Marc André Jacques Christophe Thomas Nicolas
Julien Olivier Louis Hugo Lucas Nathan Arthur Théo Maxime Benoît François Didier Pascal Alain Bernard
Daniel Guy Jean-Marie Jean-Luc Joseph Marcel Roger Albert Léon Raphaël Gabriel Jules Victor Noah Sacha
Baptiste Quentin Sébastien Frédéric Grégory Cédric Jérôme Stéphane Xavier Hervé
""")
WALLOON_FEMALE = _words("""
Marie Hélène Anne Isabelle Catherine Nathalie Sophie Christine Françoise Martine Monique Chantal Véronique
Sylvie Camille Léa Emma Louise Chloé Manon Julie Charlotte Marie-Claire Anne-Sophie Céline Aurélie Amélie
Élodie Geneviève Béatrice Noémie Zoé Jeanne Madeleine Simone Josiane Marie-Thérèse Bernadette Jacqueline
Alice Juliette Lina Mila Inès Margaux Valérie Laurence Murielle Brigitte Danielle Anaïs
""")

GERMAN_LAST = _bars("""
Müller | Schmitz | Schmidt | Mueller | Meyer | Schneider | Fischer | Weber | Wagner | Becker | Hoffmann |
Schulz | Koch | Richter | Klein | Wolf | Schröder | Neumann | Braun | Zimmermann | Krüger | Hartmann |
Lange | Kessler | Cremer | Heinen | Mießen | Jousten | Kohnen | Maraite | Lenz | Pankert | Dederichs |
Schumacher | Zeimers | Thunus | Gennen | Hilligsmann | Kalbusch | Backes
""")
GERMAN_MALE = _words("""
Hans Klaus Jürgen Günter Karl-Heinz Stefan Andreas Thomas Michael Matthias Jörg Uwe Lukas Jonas Leon Felix
Heinz Werner Dieter Manfred Josef Tobias Florian Niklas Paul Ben Elias
""")
GERMAN_FEMALE = _words("""
Ursula Monika Petra Sabine Gisela Jutta Brigitte Anja Katrin Andrea Lena Hannah Lea Mia Anna Gertrud Ingrid
Renate Helga Birgit Claudia Sandra Marlene Johanna Sophie Emilia Clara
""")

MOROCCAN_LAST = _bars("""
El Amrani | Elamrani | Benali | El Idrissi | Bouzid | Ben Ahmed | El Khattabi | Boukhari | Azzouzi |
Cherkaoui | El Fassi | Tahiri | Bakkali | Amrani | El Hachimi | Aarab | Ouali | Belhaj | Benchekroun |
El Mansouri | Haddou | Ziani | Mokhtari | Lahlou | Chaoui | Bouchta | Kaddouri | El Ouardi | Boulahya |
Ait Ouaziz | El Bouzidi | Mouhib | Ahallouch | Boutaleb | El Haddouchi | Benaissa | Zerrouk | Achahbar |
Ben Hammou | El Moussaoui | Abdellaoui | Azaouagh | Ouchan | El Yakoubi | Marzouki | Fekkak
""")
MOROCCAN_MALE = _words("""
Mohammed Mohamed Muhammad Ahmed Youssef Mustafa Rachid Karim Hassan Said Abdelkader Omar Khalid Nabil Mehdi
Bilal Ayoub Hamza Adam Ilyas Anas Yassine Driss Abdelaziz Mounir Hicham Ismail Zakaria Amine Soufiane Reda
Othmane Nordin Abdellah Brahim Mimoun
""")
MOROCCAN_FEMALE = _words("""
Fatima Khadija Aïcha Nadia Malika Samira Naïma Zineb Salma Imane Sara Yasmina Hafsa Meryem Latifa Houda
Rachida Soukaina Nora Loubna Hanane Ikram Siham Amal Asmae Btissam Fatiha Hajar Rim Nisrine Sanae Yousra
""")

TURKISH_LAST = _words("""
Yılmaz Kaya Demir Şahin Çelik Yıldız Yıldırım Öztürk Aydın Özdemir Arslan Doğan Kılıç Aslan Çetin Kara
Koç Kurt Özkan Şimşek Polat Erdoğan Güneş Aksoy Korkmaz Bulut Keskin Ünal Tekin Acar
""")
TURKISH_MALE = _words("""
Mehmet Mustafa Ahmet Ali Hüseyin Hasan İbrahim Murat Emre Burak Yusuf Ömer Kerem Efe Osman Recep
""")
TURKISH_FEMALE = _words("""
Ayşe Fatma Emine Hatice Zeynep Elif Merve Esra Büşra Özlem Derya Gül Hülya Songül Sevgi
""")

ITALIAN_LAST = _bars("""
Rossi | Russo | Ferrari | Esposito | Bianchi | Romano | Colombo | Ricci | Marino | Greco | Bruno | Gallo |
Conti | De Luca | Costa | Giordano | Mancini | Rizzo | Lombardi | Moretti | Di Stefano | La Rosa | Lo Bue |
D'Angelo | Caruso | Di Marco | Lo Presti | Sciortino | Cannella | Di Bartolomeo | Lo Giudice | Cuccia
""")
ITALIAN_MALE = _words("""
Giuseppe Giovanni Antonio Mario Francesco Luigi Salvatore Vincenzo Marco Luca Angelo Carmelo Rocco
""")
ITALIAN_FEMALE = _words("""
Maria Anna Giuseppina Rosa Angela Giovanna Francesca Teresa Lucia Giulia Carmela Concetta
""")

POLISH_LAST = _words("""
Nowak Kowalski Wiśniewski Wójcik Kowalczyk Kamiński Lewandowski Zieliński Szymański Woźniak Dąbrowski
Kozłowski Jankowski Mazur Kwiatkowski Krawczyk Piotrowski Grabowski Nowakowski Pawłowski
""")
POLISH_MALE = _words("""
Piotr Krzysztof Andrzej Tomasz Paweł Michał Marcin Grzegorz Jakub Łukasz Wojciech Mateusz
""")
POLISH_FEMALE = _words("""
Anna Maria Katarzyna Małgorzata Agnieszka Barbara Ewa Magdalena Joanna Zofia Dorota Aleksandra
""")

ROMANIAN_LAST = _words("""
Popescu Ionescu Popa Pop Radu Dumitru Stan Stoica Gheorghe Matei Constantin Rusu Munteanu Ciobanu Moldovan
Lungu Dobre Marin Tudor Florea
""")
ROMANIAN_MALE = _words("""
Ion Gheorghe Vasile Constantin Andrei Mihai Alexandru Florin Cristian Bogdan Ionuț Adrian
""")
ROMANIAN_FEMALE = _words("""
Maria Elena Ioana Ana Andreea Mihaela Gabriela Alexandra Cristina Daniela Florentina
""")

CONGOLESE_LAST = _words("""
Mukendi Kabongo Tshibanda Ilunga Kalala Mbuyi Kasongo Lukusa Mutombo Ngoy Mulumba Tshilombo Kanku Makiese
Nsimba Kiala Mpanzu Bokolo Lumbala Kabeya Tshimanga Mbala Nzuzi Lusamba
""")
CONGOLESE_MALE = _words("""
Jean-Pierre Patrick Joseph Christian Emmanuel Papy Serge Guelord Blaise Dieudonné Trésor Junior
""")
CONGOLESE_FEMALE = _words("""
Marie Chantal Grâce Esther Nathalie Ruth Gloire Bénédicte Merveille Espérance Divine Josée
""")

SPANISH_LAST = _bars("""
García | Fernández | González | Rodríguez | López | Martínez | Sánchez | Pérez | Gómez | Díaz | Da Silva |
Dos Santos | Pereira | Ferreira | Oliveira | Rodrigues | Fernandes | Gonçalves
""")
SPANISH_MALE = _words("José Antonio Manuel Francisco Juan Carlos Miguel João Pedro Rui Luís")
SPANISH_FEMALE = _words("María Carmen Ana Isabel Dolores Pilar Lucía Mariana Beatriz Inês Sofia")

SYRIAN_AFGHAN_LAST = _bars("""
Al Hassan | Al Ahmad | Haddad | Khalil | Ibrahim | Mahmoud | Hussein | Saleh | Rahimi | Ahmadzai | Karimi |
Hosseini | Noori | Sultani | Safi | Popal
""")
SYRIAN_AFGHAN_MALE = _words("""
Ahmad Mohammad Ali Omar Khaled Mahmoud Hassan Abdullah Farid Ahmad-Shah Wahid Jawad
""")
SYRIAN_AFGHAN_FEMALE = _words("Fatima Aisha Maryam Noor Rania Layla Zahra Hala Farida Shabnam Parwana")

# Street names, the Belgian classics of each language.
STREETS_FR = _bars("""
Rue de la Station | Rue de l'Église | Grand-Rue | Rue du Moulin | Rue de la Gare | Rue des Écoles |
Rue Haute | Rue Basse | Place communale | Rue du Centre | Chaussée de Bruxelles | Rue Saint-Martin |
Avenue des Tilleuls | Rue des Champs | Rue de la Fontaine | Rue du Château | Rue Albert Ier |
Rue Léopold | Rue de la Chapelle | Rue du Marché | Rue des Combattants | Rue de Namur | Avenue de la Gare |
Rue du Bois | Chemin de Halage | Rue des Prés | Rue Joseph Wauters | Rue Émile Vandervelde | Rue de Liège |
Route de Mons | Rue Pont d'Avroy | Quai de la Sambre | Rue des Alliés | Rue Sous-le-Château
""")
STREETS_NL = _bars("""
Stationsstraat | Kerkstraat | Dorpsstraat | Molenstraat | Nieuwstraat | Schoolstraat | Kapelstraat |
Hoogstraat | Markt | Beekstraat | Veldstraat | Kouter | Heirweg | Steenweg op Antwerpen | Lindenlaan |
Kasteelstraat | Bergstraat | Meerstraat | Bosstraat | Langestraat | Vaartstraat | Koning Albertlaan |
Leopoldlaan | Grote Baan | Zandstraat | Nieuwe Steenweg | Sint-Jansstraat | Brugstraat | Diestsestraat |
Gentsesteenweg | Heidestraat | Jagersstraat | Ringlaan | Tiensestraat
""")
STREETS_DE = _bars("""
Hauptstraße | Kirchstraße | Bahnhofstraße | Aachener Straße | Haasstraße | Gospertstraße | Klosterstraße |
Neustraße | Schulstraße | Bergstraße | Herbesthaler Straße | Rotenbergplatz | Malmedyer Straße |
Mühlenweg | Lindenallee | Marktplatz | Am Wetzlarbad | Hütte
""")
STREETS_BRUSSELS = tuple(
    tuple(pair.split(" / "))
    for pair in _bars("""
Rue de la Loi / Wetstraat | Avenue Louise / Louizalaan | Chaussée de Waterloo / Waterloosesteenweg |
Rue Haute / Hoogstraat | Rue Neuve / Nieuwstraat | Boulevard Anspach / Anspachlaan |
Rue du Midi / Zuidstraat |
Place Flagey / Flageyplein | Rue de la Station / Stationsstraat | Rue de l'Église / Kerkstraat |
Chaussée d'Ixelles / Elsensesteenweg | Rue Royale / Koningsstraat | Chaussée de Gand / Gentsesteenweg |
Boulevard Léopold II / Leopold II-laan | Rue des Tanneurs / Huidevettersstraat |
Avenue de la Couronne / Kroonlaan |
Chaussée d'Alsemberg / Alsembergsesteenweg | Rue de Brabant / Brabantstraat | Rue Malibran / Malibranstraat |
Rue du Progrès / Vooruitgangstraat | Avenue du Roi / Koningslaan | Rue Vanderkindere / Vanderkinderestraat |
Chaussée de Haecht / Haachtsesteenweg | Rue de Flandre / Vlaamsesteenweg | Place du Jeu de Balle / Vossenplein
""")
)

# Birth places abroad, by NIS country code.
CITIES_ABROAD = {
    111: _words("Paris Lille Lyon Marseille Metz Reims Strasbourg"),
    129: _words("Amsterdam Rotterdam Maastricht Eindhoven Breda Utrecht"),
    103: _words("Aachen Köln Düsseldorf Berlin Trier München"),
    128: _words("Palermo Agrigento Bari Roma Napoli Catania Milano"),
    354: _words("Casablanca Tanger Nador Rabat Oujda Tétouan Al-Hoceima Fès"),
    262: _words("Istanbul Ankara Emirdağ Kayseri Afyon Konya Izmir"),
    122: _words("Warszawa Kraków Łódź Wrocław Poznań Lublin"),
    124: _words("București Cluj-Napoca Iași Timișoara Constanța Brașov"),
    306: _words("Kinshasa Lubumbashi Kisangani Bukavu Matadi Kananga"),
    109: _words("Madrid Barcelona Sevilla Valencia Málaga"),
    123: _words("Lisboa Porto Braga Coimbra Faro"),
    261: _words("Damas Alep Homs Lattaquié"),
    251: _words("Kaboul Hérat Kandahar Mazar-e-Charif"),
}
