"""What synthetic documents sell: item names per language and trade, with units and price ranges.

Names are combined with model numbers, brands (Faker surnames or made-up words), sizes and colours
so the corpus sees many unfamiliar words and long codes. ``ITEMS[lang][domain]`` lists
:class:`CatalogItem`; ``DETAILS[lang]`` holds the second lines of multi-line descriptions.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class CatalogItem:
    name: str  # may contain {brand} {model} {size} {colour} {n}
    unit: str
    low: Decimal
    high: Decimal
    fractional: bool = False  # sold by weight/volume/time: quantities like 1.25


def _items(text: str) -> tuple[CatalogItem, ...]:
    out = []
    for line in text.strip().splitlines():
        parts = [p.strip() for p in line.split("|")]
        name, unit, low, high = parts[:4]
        frac = len(parts) > 4 and parts[4] == "f"
        out.append(CatalogItem(name, unit, Decimal(low), Decimal(high), frac))
    return tuple(out)


ITEMS: dict[str, dict[str, tuple[CatalogItem, ...]]] = {
    "en": {
        "utility": _items("""
            Energy charge (kWh) | kWh | 0.18 | 0.42 | f
            Standing charge | days | 0.25 | 0.65
            Network usage fee | month | 8 | 25
            Meter rental | month | 2 | 6
            Gas consumption (kWh) | kWh | 0.06 | 0.14 | f
            Water supply (m3) | m3 | 1.5 | 4 | f
            Wastewater (m3) | m3 | 1.5 | 4 | f
            Fibre broadband 500 Mbit/s | month | 25 | 60
            Mobile plan {n} GB | month | 8 | 40
            Roaming charges | flat | 2 | 30
            Device instalment {brand} {model} | month | 10 | 45
            Late payment fee | flat | 5 | 15
        """),
        "office": _items("""
            Copy paper A4 80gsm, 500 sheets | ream | 3.5 | 7
            Toner cartridge {model} black | pcs | 45 | 140
            Lever arch file, {colour} | pcs | 1.5 | 4.5
            Ballpoint pens {brand}, pack of 10 | pack | 2 | 9
            Sticky notes 76x76 mm, assorted | pack | 1.2 | 5
            Desk organiser {brand} | pcs | 8 | 35
            Envelopes DL with window, box of 500 | box | 12 | 30
            Whiteboard markers, set of 4 | set | 3 | 12
            Stapler {brand} {model} | pcs | 6 | 28
            Printer paper Letter 20 lb | case | 25 | 60
            Laminating pouches A4 125mic | box | 9 | 25
            Office chair {brand} ergonomic | pcs | 120 | 450
        """),
        "it": _items("""
            Laptop {brand} {model} 14" i7/16GB/512GB | pcs | 700 | 1900
            Monitor 27" QHD {brand} {model} | pcs | 180 | 520
            USB-C docking station {model} | pcs | 90 | 260
            Wireless keyboard and mouse set | set | 25 | 90
            Network switch 24-port {model} | pcs | 140 | 900
            Cat6 patch cable {n} m | pcs | 2 | 12
            SSD 1 TB NVMe {brand} | pcs | 60 | 160
            Server rack installation | h | 60 | 140 | f
            Wi-Fi access point {model} | pcs | 90 | 320
            UPS 1500VA {brand} | pcs | 160 | 480
            Headset {brand} {model} | pcs | 40 | 190
            Laptop bag 15.6" | pcs | 20 | 70
        """),
        "services": _items("""
            Consulting services | h | 75 | 220 | f
            Project management | h | 70 | 160 | f
            Software development - {brand} project | h | 80 | 180 | f
            Workshop facilitation (half day) | day | 600 | 1500
            Legal advice | h | 150 | 400 | f
            Bookkeeping services | h | 40 | 95 | f
            Translation EN>DE, {n} pages | page | 25 | 60
            Travel expenses | flat | 50 | 400
            Photography session | h | 80 | 200 | f
            Code review and QA | h | 70 | 150 | f
            Training course "{brand} basics" | person | 250 | 900
            Monthly retainer | month | 800 | 4000
        """),
        "construction": _items("""
            Labour - electrician | h | 45 | 90 | f
            Labour - plumber | h | 45 | 95 | f
            Copper pipe 15 mm | m | 4 | 12 | f
            Plasterboard 12.5 mm 1200x2400 | sheet | 8 | 18
            Cement 25 kg bag | bag | 5 | 12
            Timber 47x100 C24, 4.8 m | pcs | 9 | 22
            Paint, interior white 10 l | tub | 35 | 90
            Skip hire (6 yard) | flat | 180 | 350
            Call-out charge | flat | 40 | 95
            Wall tiles 30x60 {colour} | m2 | 18 | 55 | f
            Socket outlet, double, installed | pcs | 25 | 70
            Scaffolding hire per week | week | 150 | 600
        """),
        "wholesale_food": _items("""
            Olive oil extra virgin 5 l | can | 25 | 60
            Basmati rice 10 kg | bag | 14 | 32
            Canned tomatoes 2.5 kg | case | 18 | 40
            Coffee beans {brand} 1 kg | kg | 12 | 35
            Flour type 55, 25 kg | bag | 12 | 28
            Mineral water 0.5 l, 24 bottles | case | 5 | 12
            Cheddar cheese block 5 kg | pcs | 30 | 70
            Frozen fries 4 x 2.5 kg | case | 14 | 30
            Sugar 1 kg x 10 | case | 8 | 16
            Espresso cups, 12 pcs | box | 15 | 40
        """),
        "marketing": _items("""
            Logo design | flat | 300 | 1500
            Business cards, 500 pcs, 350gsm | pack | 30 | 90
            Flyers A5, {n}00 copies | order | 60 | 400
            Social media campaign - {brand} | month | 400 | 2500
            Website maintenance | month | 80 | 400
            Google Ads management | month | 200 | 900
            Copywriting | h | 50 | 120 | f
            Roll-up banner 85x200 cm | pcs | 70 | 180
            Photo retouching | image | 8 | 30
            SEO audit | flat | 400 | 1800
        """),
        "logistics": _items("""
            Pallet transport {n} km | pallet | 40 | 180
            Express delivery | shipment | 15 | 80
            Warehouse storage, pallet/week | week | 3 | 9 | f
            Customs clearance fee | flat | 35 | 120
            Fuel surcharge | flat | 10 | 60
            Packaging material | flat | 15 | 90
            Forklift hire | day | 90 | 250
            Container handling 20ft | pcs | 120 | 400
        """),
        "industrial": _items("""
            Hex bolt M{n}x40 DIN 933, 100 pcs | box | 6 | 30
            Ball bearing {model} | pcs | 3 | 40
            Hydraulic hose 1/2" | m | 6 | 22 | f
            Safety gloves size {size}, 12 pairs | pack | 12 | 40
            Cutting disc 125 mm, 25 pcs | box | 15 | 45
            Lubricant spray 400 ml | can | 4 | 14
            Steel sheet 2 mm 1000x2000 | sheet | 45 | 120
            Cable ties 200 mm, 100 pcs | bag | 2 | 9
            Welding wire 0.8 mm 15 kg | spool | 35 | 90
            Pneumatic fitting {model} | pcs | 2 | 15
        """),
        "software": _items("""
            {brand} Cloud - Business plan | month | 12 | 99
            Annual licence {brand} Pro | licence | 120 | 900
            Additional users | user | 5 | 25
            Storage add-on 1 TB | month | 5 | 20
            Support & maintenance | year | 200 | 2000
            API usage ({n}00k requests) | month | 20 | 300
            Onboarding package | flat | 250 | 1500
            Domain renewal {brand}.com | year | 10 | 30
        """),
        "grocery": _items("""
            Whole milk 1 gal | ea | 2.5 | 5
            Bananas | lb | 0.5 | 0.9 | f
            Bread, sourdough | ea | 3 | 7
            Eggs large dozen | ea | 2.5 | 6
            Cheddar sliced 8oz | ea | 2.5 | 5.5
            Chicken breast | lb | 3 | 7 | f
            Orange juice 52oz | ea | 3 | 6
            Apples Gala | lb | 1 | 2.5 | f
            Paper towels 6pk | ea | 6 | 14
            Pasta penne 16oz | ea | 1 | 3
            Tomatoes on vine | lb | 1.5 | 3.5 | f
            Greek yogurt | ea | 1 | 6
            Coffee ground 12oz | ea | 6 | 12
            Dish soap | ea | 2 | 5
            Avocado | ea | 0.8 | 2
            Shampoo {brand} | ea | 3 | 9
        """),
        "restaurant": _items("""
            Caesar salad | ea | 8 | 15
            Burger deluxe | ea | 12 | 20
            Fish & chips | ea | 12 | 19
            Grilled salmon | ea | 18 | 30
            Margherita pizza | ea | 10 | 16
            Ribeye steak | ea | 25 | 45
            House red wine (glass) | ea | 7 | 13
            Draft beer | ea | 5 | 9
            Sparkling water | ea | 3 | 6
            Tiramisu | ea | 6 | 10
            Espresso | ea | 2.5 | 4
            Soup of the day | ea | 5 | 9
            Chicken wings (12) | ea | 10 | 16
        """),
        "cafe": _items("""
            Cappuccino | ea | 3 | 5.5
            Latte macchiato | ea | 3.2 | 5.8
            Americano | ea | 2.5 | 4.5
            Croissant | ea | 1.8 | 3.8
            Blueberry muffin | ea | 2.5 | 4.2
            Chai latte | ea | 3.2 | 5.5
            Bagel cream cheese | ea | 3 | 6
            Hot chocolate | ea | 3 | 5
            Fresh orange juice | ea | 3.5 | 6
            Banana bread | ea | 2.5 | 4.5
            Avocado toast | ea | 7 | 12
        """),
        "pharmacy": _items("""
            Ibuprofen 200mg 50ct | ea | 4 | 12
            Vitamin D3 1000 IU | ea | 6 | 15
            Allergy relief 24hr | ea | 9 | 25
            Cough syrup 8 fl oz | ea | 7 | 14
            Band-aids assorted | ea | 3 | 8
            Sunscreen SPF 50 | ea | 8 | 16
            Toothpaste {brand} | ea | 3 | 7
            Hand sanitizer 8oz | ea | 2 | 6
            Prescription co-pay | ea | 5 | 40
            Multivitamin 100ct | ea | 8 | 20
        """),
        "fuel_shop": _items("""
            Windshield washer fluid | ea | 3 | 7
            Coffee large | ea | 1.5 | 3.5
            Energy drink | ea | 2 | 4
            Chips {brand} | ea | 1.5 | 4
            Car wash premium | ea | 8 | 18
            Motor oil 5W-30 1 qt | ea | 6 | 12
            Bottled water 1 l | ea | 1 | 3
            Candy bar | ea | 1 | 2.5
        """),
        "hardware": _items("""
            Wood screws 4x40, 200 pcs | ea | 5 | 12
            Drill bit set HSS | ea | 10 | 35
            Masking tape 2" | ea | 3 | 8
            LED bulb E27 9W | ea | 2 | 7
            Extension cord 10 ft | ea | 7 | 20
            Paint roller set | ea | 6 | 16
            Silicone sealant clear | ea | 4 | 10
            Work gloves | ea | 4 | 14
            Spray paint {colour} | ea | 4 | 9
            Garden hose 50 ft | ea | 15 | 45
        """),
        "fashion": _items("""
            T-shirt crew neck {colour} {size} | ea | 8 | 30
            Slim jeans W32 L32 | ea | 30 | 90
            Hoodie {brand} {size} | ea | 25 | 70
            Socks 3-pack | ea | 6 | 15
            Leather belt | ea | 15 | 50
            Sneakers {brand} {model} | ea | 45 | 140
            Scarf wool {colour} | ea | 12 | 40
            Cap {brand} | ea | 10 | 30
        """),
        "fastfood": _items("""
            Cheeseburger | ea | 2 | 6
            Chicken nuggets 9 pc | ea | 4 | 8
            Fries medium | ea | 2 | 4
            Cola large | ea | 1.5 | 3.5
            Veggie wrap | ea | 4 | 8
            Milkshake vanilla | ea | 3 | 5
            Double burger menu | ea | 7 | 12
            Apple pie | ea | 1.5 | 3
        """),
    },
    "de": {
        "utility": _items("""
            Arbeitspreis Strom | kWh | 0.18 | 0.42 | f
            Grundpreis | Tage | 0.25 | 0.65
            Netzentgelt | Monat | 8 | 25
            Messstellenbetrieb | Monat | 2 | 6
            Arbeitspreis Gas | kWh | 0.06 | 0.14 | f
            Frischwasser | m³ | 1.5 | 4 | f
            Abwasser | m³ | 1.5 | 4 | f
            Glasfaser 500 Mbit/s | Monat | 25 | 60
            Mobilfunktarif {n} GB | Monat | 8 | 40
            Roaming-Verbindungen | Pausch. | 2 | 30
            Gerätefinanzierung {brand} {model} | Monat | 10 | 45
            Mahngebühr | Pausch. | 5 | 15
        """),
        "office": _items("""
            Kopierpapier A4 80 g/m², 500 Blatt | Pack | 3.5 | 7
            Toner {model} schwarz | Stk. | 45 | 140
            Ordner breit, {colour} | Stk. | 1.5 | 4.5
            Kugelschreiber {brand}, 10er-Pack | Pack | 2 | 9
            Haftnotizen 76x76 mm, sortiert | Pack | 1.2 | 5
            Briefumschläge DIN lang mit Fenster, 500 St. | Karton | 12 | 30
            Textmarker-Set 4 Farben | Set | 3 | 12
            Heftgerät {brand} {model} | Stk. | 6 | 28
            Laminierfolien A4 125 mic | Pack | 9 | 25
            Bürostuhl {brand} ergonomisch | Stk. | 120 | 450
            Registratur-Hängemappen | Pack | 8 | 22
            Schreibtischunterlage | Stk. | 6 | 25
        """),
        "it": _items("""
            Notebook {brand} {model} 14" i7/16GB/512GB | Stk. | 700 | 1900
            Monitor 27" WQHD {brand} {model} | Stk. | 180 | 520
            USB-C Dockingstation {model} | Stk. | 90 | 260
            Funktastatur mit Maus, deutsches Layout | Set | 25 | 90
            Netzwerk-Switch 24 Port {model} | Stk. | 140 | 900
            Patchkabel Cat6 {n} m | Stk. | 2 | 12
            SSD 1 TB NVMe {brand} | Stk. | 60 | 160
            Installation und Einrichtung | Std. | 60 | 140 | f
            WLAN-Accesspoint {model} | Stk. | 90 | 320
            USV 1500 VA {brand} | Stk. | 160 | 480
            Headset {brand} {model} | Stk. | 40 | 190
            Fernwartung | Std. | 55 | 120 | f
        """),
        "services": _items("""
            Beratungsleistung | Std. | 75 | 220 | f
            Projektleitung | Std. | 70 | 160 | f
            Softwareentwicklung Projekt {brand} | Std. | 80 | 180 | f
            Workshop (halbtags) | Tag | 600 | 1500
            Rechtsberatung | Std. | 150 | 400 | f
            Buchhaltung und Lohnabrechnung | Std. | 40 | 95 | f
            Übersetzung DE>EN, {n} Seiten | Seite | 25 | 60
            Reisekosten pauschal | Pausch. | 50 | 400
            Schulung "{brand} Grundlagen" | Teilnehmer | 250 | 900
            Monatliche Betreuungspauschale | Monat | 800 | 4000
            Steuerberatung Jahresabschluss | Pausch. | 400 | 2500
            Fotoshooting | Std. | 80 | 200 | f
        """),
        "construction": _items("""
            Arbeitszeit Elektriker | Std. | 45 | 90 | f
            Arbeitszeit Geselle Sanitär | Std. | 45 | 95 | f
            Kupferrohr 15 mm | m | 4 | 12 | f
            Gipskartonplatte 12,5 mm 1250x2000 | Stk. | 8 | 18
            Zement 25 kg Sack | Sack | 5 | 12
            Konstruktionsholz 60x80 KVH, 5 m | Stk. | 9 | 22
            Innenfarbe weiß 10 l | Eimer | 35 | 90
            Containergestellung 7 m³ | Pausch. | 180 | 350
            Anfahrtspauschale | Pausch. | 40 | 95
            Wandfliesen 30x60 {colour} | m² | 18 | 55 | f
            Steckdose doppelt, Unterputz, montiert | Stk. | 25 | 70
            Gerüststellung je Woche | Woche | 150 | 600
            Entsorgung Bauschutt | t | 40 | 120 | f
        """),
        "wholesale_food": _items("""
            Olivenöl nativ extra 5 l | Kanister | 25 | 60
            Basmatireis 10 kg | Sack | 14 | 32
            Tomaten geschält 2,5 kg | Karton | 18 | 40
            Kaffeebohnen {brand} 1 kg | kg | 12 | 35
            Weizenmehl Type 405, 25 kg | Sack | 12 | 28
            Mineralwasser 0,5 l, 24 Fl. | Kiste | 5 | 12
            Gouda am Stück 5 kg | Stk. | 30 | 70
            Pommes frites TK 4 x 2,5 kg | Karton | 14 | 30
            Zucker 10 x 1 kg | Karton | 8 | 16
            Pfand Kiste | Stk. | 1.5 | 3.3
        """),
        "marketing": _items("""
            Logoentwicklung | Pausch. | 300 | 1500
            Visitenkarten 500 St., 350 g | Pack | 30 | 90
            Flyer DIN A5, {n}00 Stück | Auftrag | 60 | 400
            Social-Media-Betreuung {brand} | Monat | 400 | 2500
            Website-Wartung | Monat | 80 | 400
            Texterstellung | Std. | 50 | 120 | f
            Roll-up Display 85x200 cm | Stk. | 70 | 180
            Bildbearbeitung | Bild | 8 | 30
            SEO-Analyse | Pausch. | 400 | 1800
        """),
        "logistics": _items("""
            Palettentransport {n} km | Palette | 40 | 180
            Expresszustellung | Sendung | 15 | 80
            Lagerung je Palette/Woche | Woche | 3 | 9 | f
            Zollabfertigung | Pausch. | 35 | 120
            Dieselzuschlag | Pausch. | 10 | 60
            Verpackungsmaterial | Pausch. | 15 | 90
            Staplermiete | Tag | 90 | 250
            Containerumschlag 20 Fuß | Stk. | 120 | 400
        """),
        "industrial": _items("""
            Sechskantschraube M{n}x40 DIN 933, 100 St. | Pack | 6 | 30
            Rillenkugellager {model} | Stk. | 3 | 40
            Hydraulikschlauch 1/2" | m | 6 | 22 | f
            Schutzhandschuhe Gr. {size}, 12 Paar | Pack | 12 | 40
            Trennscheibe 125 mm, 25 St. | Pack | 15 | 45
            Kriechöl Spray 400 ml | Dose | 4 | 14
            Stahlblech 2 mm 1000x2000 | Tafel | 45 | 120
            Kabelbinder 200 mm, 100 St. | Beutel | 2 | 9
            Schweißdraht 0,8 mm 15 kg | Rolle | 35 | 90
            Druckluftkupplung {model} | Stk. | 2 | 15
        """),
        "software": _items("""
            {brand} Cloud Business-Tarif | Monat | 12 | 99
            Jahreslizenz {brand} Pro | Lizenz | 120 | 900
            Zusätzliche Benutzer | Benutzer | 5 | 25
            Speichererweiterung 1 TB | Monat | 5 | 20
            Wartungsvertrag | Jahr | 200 | 2000
            Einrichtungspauschale | Pausch. | 250 | 1500
            Domain {brand}.de | Jahr | 10 | 30
        """),
        "grocery": _items("""
            Vollmilch 3,5% 1 l | Stk | 0.9 | 1.6
            Bananen | kg | 1.1 | 2 | f
            Roggenbrot 750 g | Stk | 1.8 | 3.9
            Eier Freiland 10 St. | Stk | 2.2 | 3.9
            Gouda jung Scheiben | Stk | 1.5 | 3.5
            Hähnchenbrustfilet | kg | 8 | 14 | f
            Orangensaft 1 l | Stk | 1.3 | 3
            Äpfel Elstar | kg | 1.8 | 3.5 | f
            Küchenrolle 4 Rollen | Stk | 2 | 4.5
            Spaghetti 500 g | Stk | 0.8 | 2.5
            Strauchtomaten | kg | 2 | 4.5 | f
            Joghurt natur 500 g | Stk | 0.6 | 1.9
            Kaffee gemahlen 500 g | Stk | 4 | 9
            Spülmittel 500 ml | Stk | 0.9 | 2.5
            Pfand | Stk | 0.25 | 0.25
            Butter 250 g | Stk | 1.6 | 3.3
            Mineralwasser 6x1,5 l | Stk | 1.8 | 4.5
        """),
        "restaurant": _items("""
            Wiener Schnitzel | Stk | 14 | 24
            Schweinebraten mit Knödel | Stk | 12 | 19
            Gemischter Salat | Stk | 5 | 9
            Rinderroulade | Stk | 16 | 26
            Flammkuchen | Stk | 9 | 14
            Pils 0,4 l | Stk | 3.5 | 5.5
            Weißbier 0,5 l | Stk | 4 | 6
            Apfelschorle 0,4 l | Stk | 3 | 4.8
            Hauswein rot 0,2 l | Stk | 5 | 8
            Apfelstrudel mit Sahne | Stk | 5 | 8
            Tagessuppe | Stk | 4.5 | 7.5
            Espresso | Stk | 2.2 | 3.5
        """),
        "cafe": _items("""
            Cappuccino | Stk | 3 | 4.8
            Latte Macchiato | Stk | 3.2 | 5
            Milchkaffee | Stk | 3 | 4.5
            Croissant | Stk | 1.5 | 3
            Butterbrezel | Stk | 1.5 | 3
            Käsekuchen | Stk | 3 | 4.8
            Franzbrötchen | Stk | 1.8 | 3.2
            Chai Latte | Stk | 3.5 | 5
            Heiße Schokolade | Stk | 3 | 4.5
            Bagel Frischkäse | Stk | 3.5 | 6
        """),
        "pharmacy": _items("""
            Ibuprofen 400 mg 20 St. | Stk | 3 | 8
            Vitamin D3 1000 I.E. | Stk | 6 | 15
            Nasenspray {brand} | Stk | 3 | 7
            Hustensaft 100 ml | Stk | 6 | 12
            Pflaster Sortiment | Stk | 2 | 6
            Sonnencreme LSF 50 | Stk | 8 | 16
            Zahnpasta {brand} | Stk | 2 | 5
            Rezeptgebühr | Stk | 5 | 10
            Magnesium 300 mg | Stk | 5 | 12
            Paracetamol 500 mg | Stk | 1.5 | 4
        """),
        "fuel_shop": _items("""
            Scheibenreiniger 5 l | Stk | 3 | 7
            Kaffee groß | Stk | 1.8 | 3.5
            Energy Drink 0,25 l | Stk | 1.5 | 3
            Chips {brand} | Stk | 1.5 | 3.5
            Waschanlage Premium | Stk | 8 | 18
            Motoröl 5W-30 1 l | Stk | 8 | 16
            Belegtes Brötchen | Stk | 2.5 | 4.5
            Schokoriegel | Stk | 1 | 2
        """),
        "hardware": _items("""
            Spanplattenschrauben 4x40, 200 St. | Stk | 5 | 12
            Bohrer-Set HSS 19-tlg. | Stk | 10 | 35
            Malerkrepp 50 mm | Stk | 3 | 8
            LED-Lampe E27 9 W | Stk | 2 | 7
            Verlängerungskabel 5 m | Stk | 7 | 20
            Farbroller-Set | Stk | 6 | 16
            Silikon transparent 310 ml | Stk | 4 | 10
            Arbeitshandschuhe | Stk | 4 | 14
            Sprühlack {colour} | Stk | 4 | 9
            Gartenschlauch 20 m | Stk | 15 | 45
        """),
        "fashion": _items("""
            T-Shirt Rundhals {colour} {size} | Stk | 8 | 30
            Jeans Slim Fit W32/L32 | Stk | 30 | 90
            Kapuzenpullover {brand} {size} | Stk | 25 | 70
            Socken 3er-Pack | Stk | 6 | 15
            Ledergürtel | Stk | 15 | 50
            Sneaker {brand} {model} | Stk | 45 | 140
            Schal Wolle {colour} | Stk | 12 | 40
        """),
        "fastfood": _items("""
            Cheeseburger | Stk | 2 | 6
            Chicken Nuggets 9 St. | Stk | 4 | 8
            Pommes mittel | Stk | 2 | 4
            Cola groß | Stk | 1.5 | 3.5
            Veggie Wrap | Stk | 4 | 8
            Milchshake Vanille | Stk | 3 | 5
            Currywurst mit Pommes | Stk | 5 | 9
            Döner Kebab | Stk | 5 | 8.5
        """),
    },
    "fr": {
        "utility": _items("""
            Consommation électricité | kWh | 0.18 | 0.42 | f
            Abonnement | jours | 0.25 | 0.65
            Acheminement réseau | mois | 8 | 25
            Location compteur | mois | 2 | 6
            Consommation gaz | kWh | 0.06 | 0.14 | f
            Eau potable | m³ | 1.5 | 4 | f
            Assainissement | m³ | 1.5 | 4 | f
            Box fibre 500 Mbit/s | mois | 25 | 60
            Forfait mobile {n} Go | mois | 8 | 40
            Communications hors forfait | forfait | 2 | 30
            Paiement échelonné {brand} {model} | mois | 10 | 45
        """),
        "office": _items("""
            Ramette papier A4 80 g, 500 feuilles | ramette | 3.5 | 7
            Cartouche de toner {model} noir | u. | 45 | 140
            Classeur à levier, {colour} | u. | 1.5 | 4.5
            Stylos bille {brand}, lot de 10 | lot | 2 | 9
            Notes repositionnables 76x76 mm | lot | 1.2 | 5
            Enveloppes DL à fenêtre, boîte de 500 | boîte | 12 | 30
            Surligneurs, pochette de 4 | lot | 3 | 12
            Agrafeuse {brand} {model} | u. | 6 | 28
            Pochettes de plastification A4 | boîte | 9 | 25
            Fauteuil de bureau {brand} ergonomique | u. | 120 | 450
        """),
        "it": _items("""
            Ordinateur portable {brand} {model} 14" i7/16 Go/512 Go | u. | 700 | 1900
            Écran 27" QHD {brand} {model} | u. | 180 | 520
            Station d'accueil USB-C {model} | u. | 90 | 260
            Clavier et souris sans fil AZERTY | lot | 25 | 90
            Commutateur réseau 24 ports {model} | u. | 140 | 900
            Câble RJ45 Cat6 {n} m | u. | 2 | 12
            SSD 1 To NVMe {brand} | u. | 60 | 160
            Installation et paramétrage | h | 60 | 140 | f
            Borne Wi-Fi {model} | u. | 90 | 320
            Onduleur 1500 VA {brand} | u. | 160 | 480
        """),
        "services": _items("""
            Prestation de conseil | h | 75 | 220 | f
            Gestion de projet | h | 70 | 160 | f
            Développement logiciel - projet {brand} | jour | 400 | 900 | f
            Atelier (demi-journée) | forfait | 600 | 1500
            Conseil juridique | h | 150 | 400 | f
            Tenue de comptabilité | mois | 150 | 600
            Traduction FR>EN, {n} pages | page | 25 | 60
            Frais de déplacement | forfait | 50 | 400
            Formation « {brand} niveau 1 » | participant | 250 | 900
            Maintenance mensuelle | mois | 800 | 4000
        """),
        "construction": _items("""
            Main d'œuvre électricien | h | 45 | 90 | f
            Main d'œuvre plombier | h | 45 | 95 | f
            Tube cuivre 14/16 | m | 4 | 12 | f
            Plaque de plâtre BA13 | u. | 8 | 18
            Ciment 35 kg | sac | 6 | 13
            Peinture blanche mate 10 L | pot | 35 | 90
            Location benne 8 m³ | forfait | 180 | 350
            Frais de déplacement | forfait | 40 | 95
            Carrelage mural 30x60 {colour} | m² | 18 | 55 | f
            Prise double encastrée, posée | u. | 25 | 70
            Location échafaudage / semaine | semaine | 150 | 600
        """),
        "wholesale_food": _items("""
            Huile d'olive vierge extra 5 L | bidon | 25 | 60
            Riz basmati 10 kg | sac | 14 | 32
            Tomates pelées 2,5 kg | carton | 18 | 40
            Café en grains {brand} 1 kg | kg | 12 | 35
            Farine T55, 25 kg | sac | 12 | 28
            Eau minérale 50 cl x 24 | pack | 5 | 12
            Comté 18 mois 5 kg | u. | 60 | 110
            Frites surgelées 4 x 2,5 kg | carton | 14 | 30
            Sucre en poudre 10 x 1 kg | carton | 8 | 16
        """),
        "marketing": _items("""
            Création de logo | forfait | 300 | 1500
            Cartes de visite 500 ex., 350 g | lot | 30 | 90
            Flyers A5, {n}00 ex. | commande | 60 | 400
            Gestion réseaux sociaux {brand} | mois | 400 | 2500
            Maintenance site web | mois | 80 | 400
            Rédaction de contenus | h | 50 | 120 | f
            Kakémono 85x200 cm | u. | 70 | 180
            Audit SEO | forfait | 400 | 1800
        """),
        "logistics": _items("""
            Transport palette {n} km | palette | 40 | 180
            Livraison express | envoi | 15 | 80
            Stockage palette / semaine | semaine | 3 | 9 | f
            Frais de dédouanement | forfait | 35 | 120
            Surcharge carburant | forfait | 10 | 60
            Emballage | forfait | 15 | 90
            Manutention conteneur 20' | u. | 120 | 400
        """),
        "industrial": _items("""
            Vis tête hexagonale M{n}x40, boîte de 100 | boîte | 6 | 30
            Roulement à billes {model} | u. | 3 | 40
            Flexible hydraulique 1/2" | m | 6 | 22 | f
            Gants de protection T{size}, 12 paires | lot | 12 | 40
            Disques à tronçonner 125 mm x25 | boîte | 15 | 45
            Dégrippant aérosol 400 ml | u. | 4 | 14
            Tôle acier 2 mm 1000x2000 | u. | 45 | 120
            Colliers de serrage 200 mm x100 | sachet | 2 | 9
        """),
        "software": _items("""
            Abonnement {brand} Cloud Business | mois | 12 | 99
            Licence annuelle {brand} Pro | licence | 120 | 900
            Utilisateurs supplémentaires | utilisateur | 5 | 25
            Option stockage 1 To | mois | 5 | 20
            Contrat de maintenance | an | 200 | 2000
            Frais de mise en service | forfait | 250 | 1500
        """),
        "grocery": _items("""
            Lait demi-écrémé 1 L | u | 0.8 | 1.5
            Bananes | kg | 1.2 | 2.2 | f
            Baguette tradition | u | 0.9 | 1.5
            Oeufs plein air x12 | u | 2.5 | 4.5
            Emmental râpé 200 g | u | 1.5 | 3
            Filet de poulet | kg | 9 | 15 | f
            Jus d'orange 1 L | u | 1.5 | 3.5
            Pommes Golden | kg | 1.8 | 3.5 | f
            Essuie-tout x4 | u | 2 | 4.5
            Pâtes penne 500 g | u | 0.8 | 2.5
            Tomates grappe | kg | 2 | 4.5 | f
            Yaourt nature x4 | u | 1 | 2.5
            Café moulu 250 g | u | 2.5 | 6
            Camembert | u | 1.5 | 3.5
            Vin rouge Côtes du Rhône | u | 4 | 12
        """),
        "restaurant": _items("""
            Entrecôte frites | u | 18 | 28
            Salade César | u | 11 | 16
            Magret de canard | u | 19 | 27
            Croque-monsieur | u | 8 | 13
            Soupe à l'oignon | u | 7 | 11
            Crème brûlée | u | 6 | 9
            Pichet de vin rouge 50 cl | u | 9 | 16
            Demi pression | u | 3.5 | 6
            Eau gazeuse 50 cl | u | 3 | 5
            Café | u | 1.8 | 3
            Menu du jour | u | 14 | 22
        """),
        "cafe": _items("""
            Café crème | u | 2.5 | 4.5
            Cappuccino | u | 3 | 5
            Croissant | u | 1.1 | 2
            Pain au chocolat | u | 1.2 | 2.2
            Chocolat chaud | u | 3 | 5
            Thé vert | u | 2.5 | 4
            Tarte au citron | u | 3.5 | 5.5
            Jus d'orange pressé | u | 3.5 | 6
        """),
        "pharmacy": _items("""
            Doliprane 1000 mg | u | 2 | 4
            Ibuprofène 200 mg | u | 2 | 5
            Vitamine C 500 mg | u | 4 | 10
            Sirop toux sèche | u | 5 | 10
            Pansements assortis | u | 2 | 6
            Crème solaire SPF 50 | u | 9 | 18
            Dentifrice {brand} | u | 2 | 6
            Sérum physiologique x40 | u | 3 | 6
        """),
        "fuel_shop": _items("""
            Lave-glace 5 L | u | 3 | 7
            Café grand | u | 1.8 | 3.5
            Boisson énergisante | u | 1.5 | 3
            Chips {brand} | u | 1.5 | 3.5
            Lavage haute pression | u | 5 | 15
            Huile moteur 5W-30 1 L | u | 8 | 16
            Sandwich jambon-beurre | u | 3 | 5.5
        """),
        "hardware": _items("""
            Vis à bois 4x40 x200 | u | 5 | 12
            Coffret forets HSS | u | 10 | 35
            Ruban de masquage 50 mm | u | 3 | 8
            Ampoule LED E27 9 W | u | 2 | 7
            Rallonge électrique 5 m | u | 7 | 20
            Kit rouleau peinture | u | 6 | 16
            Mastic silicone 310 ml | u | 4 | 10
            Bombe de peinture {colour} | u | 4 | 9
        """),
        "fashion": _items("""
            T-shirt col rond {colour} {size} | u | 8 | 30
            Jean slim W32 L32 | u | 30 | 90
            Sweat à capuche {brand} {size} | u | 25 | 70
            Chaussettes lot de 3 | u | 6 | 15
            Ceinture cuir | u | 15 | 50
            Baskets {brand} {model} | u | 45 | 140
        """),
        "fastfood": _items("""
            Cheeseburger | u | 2 | 6
            Nuggets x9 | u | 4 | 8
            Frites moyennes | u | 2 | 4
            Coca grand | u | 1.5 | 3.5
            Wrap végétarien | u | 4 | 8
            Menu Big | u | 7 | 12
            Sundae caramel | u | 2 | 4
        """),
    },
    "nl": {
        "utility": _items("""
            Leveringskosten stroom | kWh | 0.18 | 0.42 | f
            Vastrecht | dagen | 0.25 | 0.65
            Netbeheerkosten | maand | 8 | 25
            Meterhuur | maand | 2 | 6
            Leveringskosten gas | m³ | 0.6 | 1.4 | f
            Drinkwater | m³ | 1 | 3 | f
            Glasvezel 500 Mbit/s | maand | 25 | 60
            Mobiel abonnement {n} GB | maand | 8 | 40
            Roamingkosten | forfait | 2 | 30
            Toestelkrediet {brand} {model} | maand | 10 | 45
        """),
        "office": _items("""
            Kopieerpapier A4 80 g, 500 vel | pak | 3.5 | 7
            Tonercartridge {model} zwart | st. | 45 | 140
            Ordner breed, {colour} | st. | 1.5 | 4.5
            Balpennen {brand}, 10 stuks | pak | 2 | 9
            Memoblokjes 76x76 mm | pak | 1.2 | 5
            Enveloppen EA5/6 met venster, 500 st. | doos | 12 | 30
            Markeerstiften set van 4 | set | 3 | 12
            Nietmachine {brand} {model} | st. | 6 | 28
            Lamineerhoezen A4 | doos | 9 | 25
            Bureaustoel {brand} ergonomisch | st. | 120 | 450
        """),
        "it": _items("""
            Laptop {brand} {model} 14" i7/16GB/512GB | st. | 700 | 1900
            Monitor 27" QHD {brand} {model} | st. | 180 | 520
            USB-C dockingstation {model} | st. | 90 | 260
            Draadloos toetsenbord en muis | set | 25 | 90
            Netwerkswitch 24 poorten {model} | st. | 140 | 900
            Patchkabel Cat6 {n} m | st. | 2 | 12
            SSD 1 TB NVMe {brand} | st. | 60 | 160
            Installatie en configuratie | uur | 60 | 140 | f
            Wifi-accesspoint {model} | st. | 90 | 320
        """),
        "services": _items("""
            Advieswerkzaamheden | uur | 75 | 220 | f
            Projectmanagement | uur | 70 | 160 | f
            Softwareontwikkeling project {brand} | uur | 80 | 180 | f
            Workshop (dagdeel) | dag | 600 | 1500
            Juridisch advies | uur | 150 | 400 | f
            Boekhouding en administratie | uur | 40 | 95 | f
            Vertaling NL>EN, {n} pagina's | pagina | 25 | 60
            Reiskosten | forfait | 50 | 400
            Training "{brand} basis" | deelnemer | 250 | 900
            Maandelijkse servicefee | maand | 800 | 4000
        """),
        "construction": _items("""
            Arbeidsloon elektricien | uur | 45 | 90 | f
            Arbeidsloon loodgieter | uur | 45 | 95 | f
            Koperen buis 15 mm | m | 4 | 12 | f
            Gipsplaat 12,5 mm | st. | 8 | 18
            Cement 25 kg | zak | 5 | 12
            Muurverf wit 10 l | emmer | 35 | 90
            Container huur 6 m³ | forfait | 180 | 350
            Voorrijkosten | forfait | 40 | 95
            Wandtegels 30x60 {colour} | m² | 18 | 55 | f
            Stopcontact dubbel, geplaatst | st. | 25 | 70
        """),
        "wholesale_food": _items("""
            Olijfolie extra vierge 5 l | can | 25 | 60
            Basmatirijst 10 kg | zak | 14 | 32
            Gepelde tomaten 2,5 kg | doos | 18 | 40
            Koffiebonen {brand} 1 kg | kg | 12 | 35
            Tarwebloem 25 kg | zak | 12 | 28
            Mineraalwater 0,5 l, 24 fl. | tray | 5 | 12
            Goudse kaas jong 5 kg | st. | 30 | 70
            Friet diepvries 4 x 2,5 kg | doos | 14 | 30
        """),
        "marketing": _items("""
            Logo-ontwerp | forfait | 300 | 1500
            Visitekaartjes 500 st., 350 grams | pak | 30 | 90
            Flyers A5, {n}00 stuks | order | 60 | 400
            Social media beheer {brand} | maand | 400 | 2500
            Websiteonderhoud | maand | 80 | 400
            Copywriting | uur | 50 | 120 | f
            Roll-up banner 85x200 cm | st. | 70 | 180
        """),
        "logistics": _items("""
            Palletvervoer {n} km | pallet | 40 | 180
            Spoedlevering | zending | 15 | 80
            Opslag per pallet/week | week | 3 | 9 | f
            Douane-inklaring | forfait | 35 | 120
            Brandstoftoeslag | forfait | 10 | 60
            Verpakkingsmateriaal | forfait | 15 | 90
        """),
        "industrial": _items("""
            Zeskantbout M{n}x40, 100 st. | doos | 6 | 30
            Kogellager {model} | st. | 3 | 40
            Hydraulische slang 1/2" | m | 6 | 22 | f
            Werkhandschoenen mt. {size}, 12 paar | pak | 12 | 40
            Doorslijpschijf 125 mm, 25 st. | doos | 15 | 45
            Kruipolie spray 400 ml | bus | 4 | 14
            Tiewraps 200 mm, 100 st. | zak | 2 | 9
        """),
        "software": _items("""
            {brand} Cloud Business-abonnement | maand | 12 | 99
            Jaarlicentie {brand} Pro | licentie | 120 | 900
            Extra gebruikers | gebruiker | 5 | 25
            Opslaguitbreiding 1 TB | maand | 5 | 20
            Onderhoudscontract | jaar | 200 | 2000
        """),
        "grocery": _items("""
            Halfvolle melk 1 l | st | 0.9 | 1.5
            Bananen | kg | 1.2 | 2.2 | f
            Volkorenbrood heel | st | 1.8 | 3.5
            Eieren scharrel 10 st. | st | 2.2 | 3.9
            Jonge kaas plakken | st | 2 | 4
            Kipfilet | kg | 8 | 14 | f
            Sinaasappelsap 1 l | st | 1.5 | 3.5
            Appels Elstar | kg | 1.8 | 3.5 | f
            Keukenrol 4 st. | st | 2 | 4.5
            Pasta penne 500 g | st | 0.8 | 2.5
            Trostomaten | kg | 2 | 4.5 | f
            Yoghurt vol 1 l | st | 1 | 2.2
            Hagelslag puur | st | 1.8 | 3.2
            Statiegeld | st | 0.15 | 0.25
            Stroopwafels | st | 1.5 | 3
        """),
        "restaurant": _items("""
            Uitsmijter ham/kaas | st | 8 | 12
            Saté van kip | st | 14 | 20
            Biefstuk met friet | st | 18 | 28
            Tomatensoep | st | 5 | 8
            Bitterballen (8 st.) | st | 6 | 9
            Huiswijn rood glas | st | 4.5 | 7
            Pils tap | st | 3 | 5
            Spa rood | st | 2.8 | 4
            Appeltaart met slagroom | st | 4 | 6
            Koffie | st | 2.5 | 3.5
        """),
        "cafe": _items("""
            Cappuccino | st | 2.8 | 4.5
            Koffie verkeerd | st | 3 | 4.5
            Latte macchiato | st | 3.2 | 5
            Croissant | st | 1.5 | 3
            Appeltaart | st | 3.5 | 5
            Verse muntthee | st | 3 | 4.5
            Tosti ham/kaas | st | 4 | 6.5
            Warme chocolademelk | st | 3 | 4.5
        """),
        "pharmacy": _items("""
            Paracetamol 500 mg 20 st. | st | 1 | 3
            Ibuprofen 400 mg | st | 2 | 5
            Vitamine D 25 mcg | st | 4 | 10
            Hoestdrank 150 ml | st | 5 | 10
            Pleisters assorti | st | 2 | 6
            Zonnebrand SPF 50 | st | 8 | 16
            Tandpasta {brand} | st | 2 | 5
            Eigen bijdrage recept | st | 5 | 20
        """),
        "fuel_shop": _items("""
            Ruitensproeiervloeistof 5 l | st | 3 | 7
            Koffie groot | st | 2 | 3.5
            Energiedrank | st | 1.5 | 3
            Chips {brand} | st | 1.5 | 3.5
            Wasstraat premium | st | 8 | 18
            Motorolie 5W-30 1 l | st | 8 | 16
            Broodje kaas | st | 2.5 | 4.5
        """),
        "hardware": _items("""
            Spaanplaatschroeven 4x40, 200 st. | st | 5 | 12
            Borenset HSS | st | 10 | 35
            Afplakband 50 mm | st | 3 | 8
            LED-lamp E27 9 W | st | 2 | 7
            Verlengsnoer 5 m | st | 7 | 20
            Verfroller set | st | 6 | 16
            Siliconenkit transparant | st | 4 | 10
            Spuitverf {colour} | st | 4 | 9
        """),
        "fashion": _items("""
            T-shirt ronde hals {colour} {size} | st | 8 | 30
            Slim fit jeans W32 L32 | st | 30 | 90
            Hoodie {brand} {size} | st | 25 | 70
            Sokken 3-pack | st | 6 | 15
            Leren riem | st | 15 | 50
            Sneakers {brand} {model} | st | 45 | 140
        """),
        "fastfood": _items("""
            Cheeseburger | st | 2 | 6
            Kipnuggets 9 st. | st | 4 | 8
            Friet middel | st | 2 | 4
            Frikandel speciaal | st | 2.5 | 4
            Kroket | st | 2 | 3.5
            Cola groot | st | 1.5 | 3.5
            Kapsalon | st | 7 | 11
        """),
    },
    "es": {
        "utility": _items("""
            Término de energía | kWh | 0.12 | 0.35 | f
            Término de potencia | días | 0.1 | 0.4
            Peajes de acceso | mes | 8 | 25
            Alquiler de contador | mes | 1 | 4
            Consumo de gas | kWh | 0.06 | 0.14 | f
            Agua potable | m³ | 1 | 3 | f
            Fibra 600 Mb | mes | 25 | 60
            Tarifa móvil {n} GB | mes | 8 | 40
            Itinerancia | servicio | 2 | 30
            Pago a plazos {brand} {model} | mes | 10 | 45
        """),
        "office": _items("""
            Papel multifunción A4 80 g, 500 hojas | paquete | 3.5 | 7
            Tóner {model} negro | ud. | 45 | 140
            Archivador de palanca, {colour} | ud. | 1.5 | 4.5
            Bolígrafos {brand}, caja de 10 | caja | 2 | 9
            Notas adhesivas 76x76 mm | paquete | 1.2 | 5
            Sobres DL con ventana, caja de 500 | caja | 12 | 30
            Rotuladores fluorescentes, 4 uds. | estuche | 3 | 12
            Grapadora {brand} {model} | ud. | 6 | 28
            Fundas de plastificar A4 | caja | 9 | 25
            Silla de oficina {brand} ergonómica | ud. | 120 | 450
        """),
        "it": _items("""
            Portátil {brand} {model} 14" i7/16GB/512GB | ud. | 700 | 1900
            Monitor 27" QHD {brand} {model} | ud. | 180 | 520
            Base de conexión USB-C {model} | ud. | 90 | 260
            Teclado y ratón inalámbricos | kit | 25 | 90
            Switch de red 24 puertos {model} | ud. | 140 | 900
            Cable de red Cat6 {n} m | ud. | 2 | 12
            SSD 1 TB NVMe {brand} | ud. | 60 | 160
            Instalación y configuración | h | 60 | 140 | f
            Punto de acceso wifi {model} | ud. | 90 | 320
        """),
        "services": _items("""
            Servicios de consultoría | h | 75 | 220 | f
            Gestión de proyecto | h | 70 | 160 | f
            Desarrollo de software proyecto {brand} | h | 80 | 180 | f
            Taller (media jornada) | jornada | 600 | 1500
            Asesoramiento jurídico | h | 150 | 400 | f
            Servicios de contabilidad | mes | 150 | 600
            Traducción ES>EN, {n} páginas | página | 25 | 60
            Gastos de desplazamiento | servicio | 50 | 400
            Curso de formación "{brand} básico" | alumno | 250 | 900
            Cuota mensual de mantenimiento | mes | 800 | 4000
        """),
        "construction": _items("""
            Mano de obra oficial electricista | h | 35 | 80 | f
            Mano de obra fontanero | h | 35 | 85 | f
            Tubo de cobre 15 mm | m | 4 | 12 | f
            Placa de yeso laminado 13 mm | ud. | 7 | 16
            Cemento 25 kg | saco | 4 | 10
            Pintura plástica blanca 15 l | bote | 30 | 80
            Alquiler de contenedor | servicio | 150 | 300
            Desplazamiento | servicio | 30 | 80
            Azulejo 30x60 {colour} | m² | 15 | 50 | f
            Enchufe doble empotrado, instalado | ud. | 20 | 60
        """),
        "wholesale_food": _items("""
            Aceite de oliva virgen extra 5 l | garrafa | 25 | 60
            Arroz bomba 5 kg | saco | 14 | 32
            Tomate triturado 2,5 kg | caja | 15 | 35
            Café en grano {brand} 1 kg | kg | 12 | 35
            Harina de trigo 25 kg | saco | 12 | 28
            Agua mineral 50 cl, 24 uds. | pack | 4 | 10
            Queso manchego curado 3 kg | ud. | 35 | 75
            Patatas congeladas 4 x 2,5 kg | caja | 14 | 30
        """),
        "marketing": _items("""
            Diseño de logotipo | servicio | 300 | 1500
            Tarjetas de visita 500 uds., 350 g | paquete | 30 | 90
            Folletos A5, {n}00 uds. | pedido | 60 | 400
            Gestión de redes sociales {brand} | mes | 400 | 2500
            Mantenimiento web | mes | 80 | 400
            Redacción de contenidos | h | 40 | 100 | f
            Roll-up 85x200 cm | ud. | 70 | 180
        """),
        "logistics": _items("""
            Transporte palé {n} km | palé | 40 | 180
            Envío urgente | envío | 15 | 80
            Almacenaje palé/semana | semana | 3 | 9 | f
            Despacho de aduanas | servicio | 35 | 120
            Recargo por combustible | servicio | 10 | 60
            Material de embalaje | servicio | 15 | 90
        """),
        "industrial": _items("""
            Tornillo hexagonal M{n}x40, caja 100 uds. | caja | 6 | 30
            Rodamiento de bolas {model} | ud. | 3 | 40
            Manguera hidráulica 1/2" | m | 6 | 22 | f
            Guantes de protección talla {size}, 12 pares | paquete | 12 | 40
            Disco de corte 125 mm, 25 uds. | caja | 15 | 45
            Aceite aflojatodo 400 ml | ud. | 4 | 14
            Bridas 200 mm, 100 uds. | bolsa | 2 | 9
        """),
        "software": _items("""
            Suscripción {brand} Cloud Business | mes | 12 | 99
            Licencia anual {brand} Pro | licencia | 120 | 900
            Usuarios adicionales | usuario | 5 | 25
            Ampliación de almacenamiento 1 TB | mes | 5 | 20
            Contrato de mantenimiento | año | 200 | 2000
        """),
        "grocery": _items("""
            Leche semidesnatada 1 l | ud | 0.7 | 1.3
            Plátanos de Canarias | kg | 1.5 | 2.8 | f
            Pan de barra | ud | 0.5 | 1.3
            Huevos camperos 12 uds. | ud | 2.2 | 4
            Queso manchego cuña | ud | 3 | 7
            Pechuga de pollo | kg | 6 | 11 | f
            Zumo de naranja 1 l | ud | 1.2 | 3
            Manzanas Golden | kg | 1.5 | 3 | f
            Papel de cocina 4 rollos | ud | 2 | 4.5
            Macarrones 500 g | ud | 0.7 | 2
            Tomates | kg | 1.5 | 3.5 | f
            Yogur natural 4 uds. | ud | 1 | 2.2
            Aceite de oliva 1 l | ud | 5 | 10
            Jamón serrano lonchas | ud | 2.5 | 6
        """),
        "restaurant": _items("""
            Paella valenciana (ración) | ud | 12 | 20
            Tortilla de patatas | ud | 6 | 10
            Croquetas de jamón | ud | 7 | 11
            Patatas bravas | ud | 5 | 8
            Calamares a la romana | ud | 9 | 14
            Menú del día | ud | 11 | 16
            Caña de cerveza | ud | 2 | 3.5
            Copa de vino tinto | ud | 3 | 5
            Agua mineral | ud | 1.5 | 3
            Flan casero | ud | 3.5 | 5.5
            Café solo | ud | 1.2 | 2
        """),
        "cafe": _items("""
            Café con leche | ud | 1.4 | 2.5
            Cortado | ud | 1.3 | 2.2
            Capuchino | ud | 2 | 3.5
            Tostada con tomate | ud | 2 | 3.5
            Croissant | ud | 1.3 | 2.5
            Zumo de naranja natural | ud | 2.5 | 4
            Churros (6 uds.) | ud | 2.5 | 4
            Chocolate caliente | ud | 2.2 | 3.5
        """),
        "pharmacy": _items("""
            Paracetamol 1 g 20 comp. | ud | 1.5 | 3
            Ibuprofeno 600 mg | ud | 2 | 4
            Vitamina C efervescente | ud | 4 | 9
            Jarabe para la tos 200 ml | ud | 6 | 11
            Tiritas surtidas | ud | 2 | 5
            Protector solar SPF 50 | ud | 9 | 20
            Pasta de dientes {brand} | ud | 2 | 6
            Aportación receta | ud | 1 | 8
        """),
        "fuel_shop": _items("""
            Líquido limpiaparabrisas 5 l | ud | 3 | 7
            Café grande | ud | 1.5 | 3
            Bebida energética | ud | 1.5 | 3
            Patatas fritas {brand} | ud | 1.5 | 3.5
            Lavado premium | ud | 8 | 16
            Aceite motor 5W-30 1 l | ud | 8 | 16
            Bocadillo de jamón | ud | 3 | 5
        """),
        "hardware": _items("""
            Tornillos para madera 4x40, 200 uds. | ud | 5 | 12
            Juego de brocas HSS | ud | 10 | 35
            Cinta de carrocero 50 mm | ud | 3 | 8
            Bombilla LED E27 9 W | ud | 2 | 7
            Alargador 5 m | ud | 7 | 20
            Kit rodillo de pintura | ud | 6 | 16
            Silicona transparente | ud | 4 | 10
            Pintura en spray {colour} | ud | 4 | 9
        """),
        "fashion": _items("""
            Camiseta cuello redondo {colour} {size} | ud | 8 | 30
            Vaquero slim W32 L32 | ud | 30 | 90
            Sudadera con capucha {brand} {size} | ud | 25 | 70
            Calcetines pack 3 | ud | 6 | 15
            Cinturón de piel | ud | 15 | 50
            Zapatillas {brand} {model} | ud | 45 | 140
        """),
        "fastfood": _items("""
            Hamburguesa con queso | ud | 2 | 6
            Nuggets de pollo 9 uds. | ud | 4 | 8
            Patatas medianas | ud | 2 | 4
            Refresco grande | ud | 1.5 | 3.5
            Wrap vegetal | ud | 4 | 8
            Menú doble | ud | 7 | 12
            Helado de vainilla | ud | 1.5 | 3
        """),
    },
}

COLOURS: dict[str, tuple[str, ...]] = {
    "en": ("black", "blue", "red", "grey", "white", "green", "navy", "anthracite"),
    "de": ("schwarz", "blau", "rot", "grau", "weiß", "grün", "anthrazit", "dunkelblau"),
    "fr": ("noir", "bleu", "rouge", "gris", "blanc", "vert", "anthracite", "marine"),
    "nl": ("zwart", "blauw", "rood", "grijs", "wit", "groen", "antraciet", "donkerblauw"),
    "es": ("negro", "azul", "rojo", "gris", "blanco", "verde", "antracita", "marino"),
}
SIZES = ("XS", "S", "M", "L", "XL", "XXL", "8", "9", "10", "42", "44")

#: Second lines of multi-line descriptions ({n} number, {code} article code, {d1}/{d2} dates, {sn} serial).
DETAILS: dict[str, tuple[str, ...]] = {
    "en": ("Serial no. {sn}", "Item code {code}", "Period {d1} - {d2}", "incl. installation and setup",
           "as per quote {code}", "Delivery note {code}", "Colour: {colour}", "Batch {code}, best before {d2}",
           "Ticket #{n}", "Project ref. {code}"),
    "de": ("Seriennr. {sn}", "Art.-Nr. {code}", "Zeitraum {d1} - {d2}", "inkl. Montage und Einrichtung",
           "gem. Angebot {code}", "Lieferschein {code}", "Farbe: {colour}", "Charge {code}, MHD {d2}",
           "Ticket Nr. {n}", "Projekt {code}"),
    "fr": ("N° de série {sn}", "Réf. {code}", "Période du {d1} au {d2}", "y compris installation",
           "selon devis {code}", "Bon de livraison {code}", "Couleur : {colour}", "Lot {code}, DLUO {d2}",
           "Ticket n° {n}", "Projet {code}"),
    "nl": ("Serienr. {sn}", "Art.nr. {code}", "Periode {d1} - {d2}", "incl. installatie",
           "volgens offerte {code}", "Pakbon {code}", "Kleur: {colour}", "Partij {code}, THT {d2}",
           "Ticket nr. {n}", "Project {code}"),
    "es": ("Nº de serie {sn}", "Ref. {code}", "Periodo {d1} - {d2}", "incluye instalación",
           "según presupuesto {code}", "Albarán {code}", "Color: {colour}", "Lote {code}, cad. {d2}",
           "Ticket nº {n}", "Proyecto {code}"),
}

#: Receipt item modifiers (second lines on fast-food and restaurant receipts).
MODIFIERS: dict[str, tuple[str, ...]] = {
    "en": ("+ extra cheese", "no onions", "+ bacon", "medium rare", "side salad", "gluten free", "+ oat milk"),
    "de": ("+ extra Käse", "ohne Zwiebeln", "+ Bacon", "medium", "mit Beilagensalat", "glutenfrei", "+ Hafermilch"),
    "fr": ("+ supplément fromage", "sans oignons", "+ bacon", "à point", "salade en accompagnement", "sans gluten"),
    "nl": ("+ extra kaas", "zonder ui", "+ spek", "medium", "met salade", "glutenvrij", "+ havermelk"),
    "es": ("+ queso extra", "sin cebolla", "+ bacon", "al punto", "con ensalada", "sin gluten", "+ leche de avena"),
}
