"""Plain data for the demo cooperative, shaped on seed 002 (KOKKMAS, Kampung Keparakan Kidul, Yogyakarta)."""

PASSWORD = "guyub-demo"

# Product classes: (slug, Indonesian name, English name, base agreed price in rupiah, drawing colour)
PRODUCT_CLASSES = [
    ("sandal", "Sandal", "Sandals", 150_000, (122, 74, 34)),
    ("tas", "Tas", "Bags", 450_000, (94, 52, 30)),
    ("sabuk", "Sabuk", "Belts", 120_000, (60, 40, 25)),
    ("sepatu", "Sepatu", "Shoes", 380_000, (140, 90, 50)),
    ("dompet", "Dompet", "Wallets", 95_000, (110, 60, 40)),
]

# Packed size per class (grams, length, width, height in cm): the class default; each variant sets its own
# weight (bigger sizes a little heavier), so the checkout prices shipping by weight.
PACKED = {
    "sandal": (700, 30, 20, 10),
    "tas": (1200, 40, 30, 15),
    "sabuk": (350, 30, 15, 5),
    "sepatu": (1100, 33, 22, 13),
    "dompet": (200, 15, 10, 4),
}

# Models per class: (Indonesian title, English title, price step in rupiah)
MODELS = {
    "sandal": [
        ("Sandal Kulit Selop Klasik", "Classic Leather Slide Sandal", 0),
        ("Sandal Jepit Kulit Sapi", "Cowhide Flip-Flop", -25_000),
        ("Sandal Gunung Kulit", "Leather Trekking Sandal", 60_000),
        ("Sandal Anyam Keparakan", "Keparakan Woven Sandal", 35_000),
        ("Sandal Tali Silang", "Cross-Strap Sandal", 15_000),
        ("Sandal Wanita Hak Rendah", "Women's Low-Heel Sandal", 45_000),
        ("Sandal Anak Kulit Lembut", "Children's Soft Leather Sandal", -50_000),
        ("Sandal Kulit Kambing", "Goatskin Sandal", 20_000),
        ("Sandal Batik Kulit", "Batik Leather Sandal", 55_000),
    ],
    "tas": [
        ("Tas Selempang Kulit", "Leather Crossbody Bag", 0),
        ("Tas Ransel Kulit Sapi", "Cowhide Backpack", 250_000),
        ("Tas Jinjing Wanita", "Women's Tote", 100_000),
        ("Tas Laptop Kulit", "Leather Laptop Bag", 300_000),
        ("Tas Pinggang Kulit", "Leather Waist Bag", -150_000),
        ("Tas Kerja Pria", "Men's Briefcase", 350_000),
        ("Tas Anyam Kulit", "Woven Leather Bag", 80_000),
        ("Tas Kecil Pesta", "Small Evening Bag", -100_000),
        ("Tas Dokumen Kulit", "Leather Document Bag", 150_000),
    ],
    "sabuk": [
        ("Sabuk Kulit Sapi Polos", "Plain Cowhide Belt", 0),
        ("Sabuk Kulit Ukir", "Tooled Leather Belt", 60_000),
        ("Sabuk Kepala Kuningan", "Brass Buckle Belt", 40_000),
        ("Sabuk Kulit Anyam", "Braided Leather Belt", 30_000),
        ("Sabuk Wanita Tipis", "Women's Slim Belt", -20_000),
        ("Sabuk Kerja Tebal", "Heavy Work Belt", 50_000),
        ("Sabuk Anak", "Children's Belt", -40_000),
        ("Sabuk Batik Kulit", "Batik Leather Belt", 45_000),
    ],
    "sepatu": [
        ("Sepatu Pantofel Kulit", "Leather Oxford Shoe", 0),
        ("Sepatu Boots Kulit", "Leather Boots", 270_000),
        ("Sepatu Kasual Kulit Suede", "Suede Casual Shoe", -30_000),
        ("Sepatu Loafer Pria", "Men's Loafer", 40_000),
        ("Sepatu Flat Wanita", "Women's Flat", -80_000),
        ("Sepatu Sandal Kulit", "Leather Shoe-Sandal", -60_000),
        ("Sepatu Kerja Safety", "Leather Work Shoe", 120_000),
        ("Sepatu Anak Kulit", "Children's Leather Shoe", -130_000),
    ],
    "dompet": [
        ("Dompet Lipat Pria", "Men's Bifold Wallet", 0),
        ("Dompet Panjang Wanita", "Women's Long Wallet", 55_000),
        ("Dompet Kartu Tipis", "Slim Card Holder", -35_000),
        ("Dompet Koin Kulit", "Leather Coin Purse", -45_000),
        ("Dompet Paspor", "Passport Wallet", 40_000),
        ("Dompet Ukir Wayang", "Wayang-Tooled Wallet", 75_000),
        ("Dompet Resleting", "Zip-Around Wallet", 30_000),
        ("Dompet Gantungan Kunci", "Key Wallet", -50_000),
    ],
}

VARIANTS = {
    "sandal": [("38", "Coklat"), ("40", "Coklat"), ("42", "Hitam")],
    "tas": [(None, "Coklat Tua"), (None, "Hitam"), (None, "Tan")],
    "sabuk": [("100 cm", "Hitam"), ("110 cm", "Coklat")],
    "sepatu": [("39", "Hitam"), ("41", "Hitam"), ("43", "Coklat")],
    "dompet": [(None, "Coklat"), (None, "Hitam")],
}

COLOURS_EN = {"Coklat": "Brown", "Hitam": "Black", "Coklat Tua": "Dark brown", "Tan": "Tan"}

WORKSHOP_WORDS = [
    "Jaya",
    "Makmur",
    "Sentosa",
    "Abadi",
    "Mulya",
    "Barokah",
    "Lestari",
    "Sejahtera",
    "Rejeki",
    "Sumber",
    "Karya",
    "Mandiri",
    "Berkah",
    "Indah",
    "Agung",
    "Putra",
    "Putri",
    "Sari",
    "Wijaya",
    "Utama",
]
OWNER_NAMES = [
    "Sri Wahyuni",
    "Bambang Susilo",
    "Siti Aminah",
    "Agus Santoso",
    "Dwi Lestari",
    "Joko Widodo Pr.",
    "Endang Purwanti",
    "Suparman",
    "Tri Handayani",
    "Wahyu Nugroho",
    "Ratna Sari",
    "Heru Prasetyo",
    "Yuli Astuti",
    "Slamet Riyadi",
    "Nur Hidayah",
    "Budi Raharjo",
    "Rini Kusuma",
    "Sugeng Rahayu",
    "Wiwik Suryani",
    "Eko Prabowo",
    "Lilik Marwati",
    "Teguh Wibowo",
    "Ani Rahmawati",
    "Hadi Sutrisno",
    "Sumarni",
    "Purnomo",
    "Indah Permata",
    "Darmaji",
    "Kartini Wulan",
    "Gunawan",
    "Murni Astuti",
    "Sutrisno Adi",
    "Yanti Kurnia",
]
STREETS = ["Jl. Keparakan Kidul", "Jl. Mayjen Sutoyo", "Jl. Kolonel Sugiyono", "Jl. Tamansiswa", "Gg. Kulit"]

STORIES = [
    (
        "rapat-tanggal-12",
        "Rapat anggota setiap tanggal 12",
        "Members meet on the 12th of every month",
        "Pengurus dan anggota bertemu setiap tanggal 12 untuk menyepakati harga dan membagi pesanan.",
        "The board and members meet on the 12th of every month to agree prices and share out orders.",
    ),
    (
        "harga-seragam",
        "Satu harga untuk semua anggota",
        "One price for every member",
        "Harga jual seragam menghentikan persaingan harga yang tidak sehat di antara anggota.",
        "A uniform selling price ended the unhealthy price competition between members.",
    ),
    (
        "pinjam-bahan-baku",
        "Saling pinjam bahan baku",
        "Lending each other raw materials",
        "Anggota yang kekurangan kulit boleh meminjam dari anggota lain, asal dikembalikan saat dibutuhkan.",
        "A member short of leather may borrow from another, as long as it is back when the lender needs it.",
    ),
]
