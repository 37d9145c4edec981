"""The demo shop's category tree, brands and title vocabulary (static data, no randomness).

Medians are list prices in USD, loosely after the REES46 multi-category store (smartphones
around 290, notebooks around 580, headphones around 70). Brand names are invented.
"""

from __future__ import annotations

from dataclasses import dataclass

TOPS = ("electronics", "computers", "appliances", "apparel", "beauty", "home", "sport")
# Share of the catalog's products in each top category (apparel has the most SKUs, as in most shops).
TOP_PRODUCT_SHARE = (0.16, 0.12, 0.12, 0.24, 0.12, 0.14, 0.10)


@dataclass(frozen=True)
class Leaf:
    """A leaf category: dotted path, median price, share of its top's traffic, words."""

    path: str
    median_usd: float
    weight: float  # share of the top category's views and products
    noun: str  # title noun
    queries: tuple[str, ...]  # what people type to find it
    variants: str  # key of VARIANTS

    @property
    def top(self) -> str:
        """The top category: the path's first part."""
        return self.path.split(".", 1)[0]

    @property
    def is_apparel(self) -> bool:
        """Clothes, shoes and bags: sizes and fit matter (reviews, refunds)."""
        return self.top == "apparel"


L = Leaf
LEAVES: tuple[Leaf, ...] = (
    L("electronics.smartphone", 320, 0.34, "Smartphone", ("smartphone", "phone", "mobile phone"), "storage"),
    L(
        "electronics.audio.headphone",
        70,
        0.14,
        "Headphones",
        ("headphones", "earbuds", "wireless headphones"),
        "color",
    ),
    L("electronics.audio.speaker", 90, 0.08, "Speaker", ("speaker", "bluetooth speaker"), "color"),
    L("electronics.tablet", 300, 0.09, "Tablet", ("tablet",), "storage"),
    L("electronics.smartwatch", 190, 0.09, "Smartwatch", ("smartwatch", "watch", "fitness tracker"), "color"),
    L("electronics.camera", 450, 0.05, "Camera", ("camera", "mirrorless camera"), "model"),
    L("electronics.video.tv", 520, 0.09, "TV", ("tv", "television", "4k tv"), "screen"),
    L("electronics.accessories.phone_case", 15, 0.07, "Phone Case", ("phone case", "case"), "color"),
    L("electronics.accessories.charger", 22, 0.05, "Charger", ("charger", "usb c charger"), "model"),
    L("computers.notebook", 780, 0.30, "Laptop", ("laptop", "notebook"), "laptop"),
    L("computers.desktop", 900, 0.08, "Desktop PC", ("desktop pc", "gaming pc"), "model"),
    L("computers.peripherals.monitor", 230, 0.14, "Monitor", ("monitor", "gaming monitor"), "screen"),
    L("computers.peripherals.keyboard", 60, 0.10, "Keyboard", ("keyboard", "mechanical keyboard"), "color"),
    L("computers.peripherals.mouse", 30, 0.10, "Mouse", ("mouse", "wireless mouse"), "color"),
    L("computers.components.videocard", 460, 0.10, "Graphics Card", ("graphics card", "gpu"), "model"),
    L("computers.components.ssd", 90, 0.10, "SSD", ("ssd", "solid state drive"), "storage"),
    L("computers.accessories.laptop_bag", 45, 0.08, "Laptop Bag", ("laptop bag", "laptop sleeve"), "color"),
    L("appliances.kitchen.refrigerator", 720, 0.14, "Refrigerator", ("fridge", "refrigerator"), "model"),
    L("appliances.kitchen.washer", 520, 0.12, "Washing Machine", ("washing machine", "washer"), "model"),
    L(
        "appliances.kitchen.coffee_machine",
        160,
        0.16,
        "Coffee Machine",
        ("coffee machine", "espresso machine"),
        "color",
    ),
    L("appliances.kitchen.blender", 60, 0.12, "Blender", ("blender",), "color"),
    L("appliances.kitchen.microwave", 110, 0.10, "Microwave", ("microwave",), "model"),
    L("appliances.environment.vacuum", 190, 0.18, "Vacuum Cleaner", ("vacuum", "robot vacuum"), "model"),
    L("appliances.environment.air_purifier", 150, 0.08, "Air Purifier", ("air purifier",), "model"),
    L("appliances.personal.hair_dryer", 45, 0.10, "Hair Dryer", ("hair dryer", "hairdryer"), "color"),
    L("apparel.shoes.sneakers", 85, 0.18, "Sneakers", ("sneakers", "running shoes", "trainers"), "shoe"),
    L("apparel.shoes.boots", 120, 0.09, "Boots", ("boots", "ankle boots"), "shoe"),
    L("apparel.shoes.sandals", 40, 0.06, "Sandals", ("sandals",), "shoe"),
    L("apparel.tops.tshirt", 22, 0.14, "T-Shirt", ("t shirt", "tshirt", "tee"), "size"),
    L("apparel.tops.shirt", 42, 0.08, "Shirt", ("shirt", "linen shirt"), "size"),
    L("apparel.dress", 60, 0.12, "Dress", ("dress", "summer dress"), "size"),
    L("apparel.jeans", 55, 0.11, "Jeans", ("jeans", "slim jeans"), "size"),
    L("apparel.outerwear.jacket", 120, 0.10, "Jacket", ("jacket", "rain jacket"), "size"),
    L("apparel.accessories.bag", 70, 0.07, "Handbag", ("bag", "handbag", "tote bag"), "color"),
    L("apparel.accessories.sunglasses", 60, 0.05, "Sunglasses", ("sunglasses",), "color"),
    L("beauty.skincare.moisturizer", 26, 0.24, "Moisturizer", ("moisturizer", "face cream"), "volume"),
    L("beauty.skincare.serum", 35, 0.18, "Serum", ("serum", "vitamin c serum"), "volume"),
    L("beauty.makeup.lipstick", 18, 0.18, "Lipstick", ("lipstick",), "shade"),
    L("beauty.fragrance", 68, 0.22, "Eau de Parfum", ("perfume", "fragrance"), "volume"),
    L("beauty.haircare.shampoo", 12, 0.18, "Shampoo", ("shampoo",), "volume"),
    L("home.furniture.sofa", 680, 0.10, "Sofa", ("sofa", "couch"), "color"),
    L("home.furniture.chair", 130, 0.16, "Chair", ("chair", "office chair"), "color"),
    L("home.furniture.desk", 230, 0.10, "Desk", ("desk", "standing desk"), "color"),
    L("home.decor.lamp", 50, 0.18, "Lamp", ("lamp", "floor lamp"), "color"),
    L(
        "home.kitchen.cookware",
        75,
        0.24,
        "Cookware Set",
        ("cookware", "frying pan", "pots and pans"),
        "model",
    ),
    L("home.bedding", 60, 0.22, "Bedding Set", ("bedding", "duvet cover"), "size_bed"),
    L("sport.fitness.dumbbells", 45, 0.18, "Dumbbells", ("dumbbells", "weights"), "weight"),
    L("sport.fitness.yoga_mat", 25, 0.20, "Yoga Mat", ("yoga mat",), "color"),
    L("sport.fitness.treadmill", 720, 0.08, "Treadmill", ("treadmill",), "model"),
    L("sport.bicycle", 480, 0.14, "Bicycle", ("bike", "bicycle", "e bike"), "model"),
    L("sport.outdoor.tent", 150, 0.14, "Tent", ("tent", "camping tent"), "model"),
    L("sport.outdoor.backpack", 60, 0.26, "Backpack", ("backpack", "hiking backpack"), "color"),
)

# (leaf, complement leaf, P(complement added | leaf bought)): what sells together, so that a
# co-occurrence recommender has something real to find. Scaled by DemoParams.complement_prob / 0.3.
COMPLEMENTS: tuple[tuple[str, str, float], ...] = (
    ("electronics.smartphone", "electronics.accessories.phone_case", 0.45),
    ("electronics.tablet", "electronics.accessories.charger", 0.30),
    ("electronics.video.tv", "electronics.audio.speaker", 0.20),
    ("computers.notebook", "computers.peripherals.mouse", 0.35),
    ("computers.desktop", "computers.peripherals.monitor", 0.40),
    ("computers.peripherals.monitor", "computers.peripherals.keyboard", 0.20),
    ("computers.components.videocard", "computers.components.ssd", 0.25),
    ("appliances.kitchen.coffee_machine", "home.kitchen.cookware", 0.10),
    ("apparel.dress", "apparel.shoes.sandals", 0.25),
    ("apparel.jeans", "apparel.tops.tshirt", 0.30),
    ("apparel.outerwear.jacket", "apparel.shoes.boots", 0.20),
    ("beauty.skincare.moisturizer", "beauty.skincare.serum", 0.35),
    ("beauty.haircare.shampoo", "appliances.personal.hair_dryer", 0.08),
    ("home.furniture.desk", "home.furniture.chair", 0.35),
    ("home.furniture.sofa", "home.decor.lamp", 0.20),
    ("sport.fitness.dumbbells", "sport.fitness.yoga_mat", 0.30),
    ("sport.outdoor.tent", "sport.outdoor.backpack", 0.30),
    ("sport.bicycle", "sport.outdoor.backpack", 0.15),
)

# Brands by top category: (name, price factor). Factors above 1 are premium brands.
BRANDS: dict[str, tuple[tuple[str, float], ...]] = {
    "electronics": (
        ("Voltaro", 0.70),
        ("Kestrel", 0.85),
        ("Lumio", 1.0),
        ("Orbix", 1.0),
        ("Zentrix", 1.25),
        ("Auralis", 1.45),
        ("Novabeam", 0.80),
        ("Sonara", 1.15),
    ),
    "computers": (
        ("Bytecraft", 0.80),
        ("Corewell", 1.0),
        ("Quantix", 1.20),
        ("Pixelforge", 1.10),
        ("Nimbus", 0.75),
        ("Arcwave", 1.40),
    ),
    "appliances": (
        ("Hearthline", 0.85),
        ("Frostell", 1.10),
        ("Brisa", 0.75),
        ("Kochwerk", 1.35),
        ("Maison Blanc", 1.20),
        ("Tidewell", 0.90),
    ),
    "apparel": (
        ("Northway", 1.0),
        ("Urban Thread", 0.80),
        ("Selvedge & Co", 1.30),
        ("Maretti", 1.55),
        ("Kinfolk Basics", 0.65),
        ("Solstice", 1.05),
        ("Rue Verte", 1.20),
    ),
    "beauty": (
        ("Dewlab", 0.85),
        ("Aurelle", 1.40),
        ("Petal & Pine", 1.0),
        ("Lumiere Skin", 1.20),
        ("Basics by Ona", 0.65),
    ),
    "home": (
        ("Nordhem", 1.0),
        ("Oakhollow", 1.30),
        ("Casa Lino", 1.10),
        ("Tinywood", 0.70),
        ("Atelier Nord", 1.50),
        ("Homely", 0.80),
    ),
    "sport": (
        ("Stridewell", 1.0),
        ("Peakform", 1.20),
        ("Trailkin", 1.10),
        ("Ironleaf", 0.80),
        ("Velomax", 1.35),
        ("Flexa", 0.70),
    ),
}

ADJECTIVES: dict[str, tuple[str, ...]] = {
    "electronics": ("Wireless", "Smart", "Compact", "Ultra", "Pro", "Slim", "Active", "Classic"),
    "computers": ("Pro", "Gaming", "Ultralight", "Performance", "Silent", "Creator", "Essential"),
    "appliances": ("Compact", "Smart", "Eco", "Quiet", "Deluxe", "Essential", "Rapid"),
    "apparel": ("Classic", "Slim", "Relaxed", "Organic", "Everyday", "Vintage", "Essential", "Linen"),
    "beauty": ("Hydrating", "Gentle", "Radiant", "Nourishing", "Daily", "Intense", "Pure"),
    "home": ("Nordic", "Modern", "Rustic", "Cozy", "Minimal", "Classic", "Soft"),
    "sport": ("Pro", "Lightweight", "Trail", "Endurance", "Compact", "All-Weather", "Urban"),
}

VARIANTS: dict[str, tuple[str, ...]] = {
    "storage": ("64GB", "128GB", "256GB", "512GB", "128GB Midnight", "256GB Silver"),
    "color": ("Black", "White", "Navy", "Graphite", "Sand", "Red", "Olive", "Silver"),
    "model": ("X1", "X2", "S3", "Mk II", "2026", "Plus", "Lite", "Max"),
    "screen": ('24"', '27"', '32"', '43"', '55"', '65"'),
    "laptop": ('13" 8GB', '14" 16GB', '15" 16GB', '16" 32GB', '14" 32GB'),
    "shoe": ("Size 38", "Size 40", "Size 42", "Size 44", "Size 39", "Size 43"),
    "size": ("XS", "S", "M", "L", "XL", "M Navy", "S Black", "L White"),
    "size_bed": ("Single", "Double", "Queen", "King"),
    "volume": ("30 ml", "50 ml", "100 ml", "250 ml", "Travel Size"),
    "shade": ("Ruby", "Nude", "Coral", "Berry", "Rose"),
    "weight": ("2 x 5 kg", "2 x 10 kg", "Adjustable 24 kg", "2 x 2 kg"),
}

# Words that people add to a search when they hunt for a price ("deal queries").
DEAL_WORDS = ("cheap", "sale", "deal", "discount", "best price", "under 50", "offer")
QUALITY_WORDS = ("best", "new", "pro", "premium", "top rated", "review")
