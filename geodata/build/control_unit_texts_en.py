"""English forms of the access-list templates in ``control_unit_texts``, key by key.

Plain translations of the Chinese sentences, sentence by sentence (the same number per key,
so the numbered items of both languages line up), using the usual English for Chinese
environmental-management terms (ecological conservation redline, ultra-low emission, LDAR,
"one outfall, one file").  Sentences start in lower case; ``access_texts`` capitalises them
after filling in the names.
"""

from __future__ import annotations

CLASS_BASE_EN: dict[tuple[int, str], tuple[str, str, str, str]] = {
    (1, "land"): (
        "strictly apply the ecological conservation redline controls; within {place}, no new "
        "or expanded development or construction project inconsistent with the conservation "
        "objectives is allowed",
        "no new pollutant discharge is allowed in the area; existing dischargers are phased "
        "out or brought into compliance according to law",
        "set up a system of ecological and environmental risk inspections for {place}, and "
        "guard strictly against invasive alien species and forest fires",
        "strictly limit the intensity of land and water resource development within {place}, "
        "and do not let the area of natural ecological space decrease",
    ),
    (1, "sea"): (
        "the waters of {place} strictly follow the marine ecological conservation redline "
        "controls; land reclamation, sand mining and other activities that change the natural "
        "attributes of the sea area are prohibited",
        "no new sea outfall may be set up within {place}; existing outfalls are closed or "
        "moved out within a set time",
        "strengthen the monitoring of ship oil-spill and hazardous-chemical transport risks in "
        "the waters of {place}, and establish an emergency response plan for marine "
        "environmental incidents",
        "strictly limit the scale and density of aquaculture in the waters of {place}; the "
        "retention rate of natural shoreline must not fall",
    ),
    (2, "land"): (
        "new, rebuilt and expanded projects in {place} must conform to the park plan and the "
        "requirements of its plan environmental impact assessment; projects that do not fit "
        "the designated industrial positioning may not be brought in",
        "strictly apply total-amount control of pollutant discharges; new projects offset "
        "their discharges of major pollutants by an equal or larger reduction elsewhere",
        "establish and improve a three-tier environmental risk prevention and control system "
        "(enterprise, park and region) in {place}; prepare emergency response plans for "
        "environmental incidents and drill them regularly",
        "energy and water consumption per unit of industrial value added meet the annual "
        "control targets set by {county}",
    ),
    (2, "sea"): (
        "sea-use projects in {place} must conform to the territorial spatial plan and the "
        "coastal zone protection and use plan; new land reclamation is strictly restricted",
        "advance the investigation and remediation of sea outfalls in {place}, manage them "
        "dynamically under \"one outfall, one file\", and install standard outfall signs and "
        "monitoring facilities",
        "strengthen the supervision of the reception, transfer and disposal of pollutants from "
        "ships in the waters of {place}, and provide oil-spill emergency equipment",
        "apply strict approval of sea-area use, and raise the efficiency with which the "
        "sea-space resources of {place} are used",
    ),
    (3, "land"): (
        "general control units in {county} apply the basic requirements of ecological and "
        "environmental protection; new projects that do not comply with national industrial "
        "policy are prohibited",
        "urban and rural domestic sewage is collected in full and discharged up to standard",
        "strengthen the control of soil and groundwater pollution risks, and apply the soil "
        "environmental investigation and assessment system for construction land",
        "meet the control targets for total water use and water-use efficiency set for "
        "{county}, and promote water-saving irrigation",
    ),
    (3, "sea"): (
        "development and use of the waters of {place} must conform to the marine functional "
        "zoning; optimise the spatial layout of mariculture",
        "sea outfalls are registered according to law, and their discharges must meet the "
        "applicable discharge standards",
        "strengthen red-tide monitoring and early warning and the clean-up of floating marine "
        "litter in the waters of {place}",
        "keep the intensity of development in the waters of {place} within reasonable limits, "
        "and use sea-area resources intensively and economically",
    ),
}

THEME_EN: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "石化": (
        (
            "no new or expanded petrochemical project outside the integrated "
            "refining-and-chemicals plan is allowed; new chemical projects must locate in "
            "{place}",
            "an environmental protection distance is kept around the park; no new housing, "
            "schools, hospitals or other environmentally sensitive receptors may be built "
            "within it",
        ),
        (
            "strictly enforce the pollutant emission standards for the petroleum refining and "
            "petrochemical industries, and apply leak detection and repair (LDAR) of volatile "
            "organic compounds (VOCs) throughout",
            "the park's wastewater is 100% treated centrally, and the treated effluent is "
            "discharged up to standard through the deep-sea outfall pipeline",
        ),
        (
            "set up an early-warning system for toxic and hazardous gas risks in {place}, and "
            "apply three-tier prevention and control (park, enterprise, process unit)",
            "tank farms and loading and unloading areas have bunds and emergency accident "
            "pools, so that accident wastewater does not leave the site",
        ),
        (
            "the energy efficiency of new petrochemical projects must reach the advanced "
            "domestic level, and energy consumption per unit of industrial value added keeps "
            "falling",
            "advance circular-economy retrofitting of the park; the reuse rate of industrial "
            "water is at least 95%",
        ),
    ),
    "电镀": (
        (
            "all electroplating projects in {county} locate in {place}; no new or expanded "
            "electroplating project is allowed outside the concentrated control zone",
        ),
        (
            "strictly enforce the emission standard of pollutants for electroplating; Class I "
            "pollutants meet the standard at the outlet of the workshop or production facility",
            "apply total-amount control of heavy-metal pollutant discharges; the heavy-metal "
            "discharges of new projects are offset by a larger reduction elsewhere "
            "(\"reduction replacement\")",
        ),
        (
            "strengthen the standardised storage and transfer of hazardous waste such as "
            "heavy-metal sludge, and keep a ledger of inspections for heavy-metal pollution "
            "hazards",
        ),
        (
            "promote cyanide-free, low-chromium and other cleaner production processes; "
            "cleaner production audits cover every electroplating enterprise",
            "the reuse rate of reclaimed water is at least 50%",
        ),
    ),
    "印染": (
        (
            "all new and expanded dyeing and printing projects in {county} locate in {place}; "
            "no dyeing and printing capacity may be added outside the concentrated control "
            "zone",
        ),
        (
            "dyeing and printing wastewater is treated centrally and the treated effluent is "
            "discharged through a deep-sea outfall; strictly enforce the discharge standard "
            "of water pollutants for the dyeing and finishing of textiles",
            "exhaust gas from heat-setting machines must have efficient collection and "
            "treatment facilities",
        ),
        (
            "centralised heating and centralised pollution-treatment facilities must have "
            "emergency accident pools, so that non-compliant wastewater is not discharged "
            "directly into the sea",
        ),
        (
            "promote the reuse of reclaimed water and low liquor-ratio dyeing; water intake per "
            "unit of product reaches the advanced level of cleaner production",
        ),
    ),
    "皮革": (
        ("no new tannery project is allowed in {place}; existing leather enterprises move into "
         "industrial parks for centralised management",),
        ("chromium-bearing tannery wastewater is collected and treated separately; strictly "
         "enforce the discharge standard of water pollutants for the leather and fur industry",),
        ("strengthen the standardised management of hazardous waste such as chromium-bearing "
         "sludge, and guard against heavy-metal pollution of the waters of {bay_or_county}",),
        ("promote low-chromium and chromium-free tanning and other cleaner production "
         "techniques",),
    ),
    "制鞋": (
        ("footwear enterprises in {place} cluster in industrial parks; no new project using "
         "solvent-based adhesives may be built near residential areas",),
        ("promote water-based adhesives; processes that emit VOCs are enclosed and their gas "
         "collected, and VOC emissions meet Fujian Province's emission standard for industrial "
         "coating and the footwear industry",),
        ("strengthen the management of hazardous chemical and organic solvent storage, and "
         "apply fire and leak prevention measures",),
        ("advance cleaner-production retrofitting and cascade energy use in the footwear "
         "industry cluster",),
    ),
    "建陶": (
        ("no new or expanded building-ceramics project is allowed in {place} (except "
         "capacity-replacement projects)",),
        (
            "building-ceramics enterprises use natural gas or other clean energy throughout; "
            "particulate matter, sulphur dioxide and nitrogen oxides in kiln flue gas meet the "
            "special emission limits of the emission standard of pollutants for the ceramics "
            "industry",
            "strengthen the control of fugitive dust from raw-material yards, crushing and "
            "other processes",
        ),
        ("apply emergency emission-reduction measures during heavy-pollution weather; "
         "building-ceramics enterprises in {county} are on the emergency emission-reduction "
         "list",),
        ("comprehensive energy consumption per unit of product reaches the advanced value of "
         "the energy consumption quota for building and sanitary ceramics",),
    ),
    "钢铁": (
        ("no new steel capacity is allowed in {place}; a project that is truly necessary "
         "strictly replaces capacity on an equal or reduced basis",),
        ("steel enterprises complete ultra-low emission retrofits in full; particulate matter, "
         "sulphur dioxide and nitrogen oxides reach ultra-low emission levels",),
        ("strengthen the monitoring of major hazard sources such as coal gas and hazardous "
         "chemicals, and improve the environmental emergency response system of {place}",),
        ("advance the use of waste heat and residual pressure; comprehensive energy "
         "consumption per tonne of steel keeps falling",),
    ),
    "港口": (
        ("new wharves in {place} build ship-pollutant reception facilities and shore power "
         "facilities at the same time",),
        ("first-flush rainwater and oily wastewater at ports and wharves are collected and "
         "treated; bulk-cargo yards are enclosed or have windbreak and dust-suppression "
         "measures",),
        ("improve the safety of dangerous-goods handling and storage and the oil-spill "
         "emergency response system in {place}",),
        ("advance the intensive use of port shoreline, and raise the use of shore power",),
    ),
    "养殖": (
        ("optimise the spatial layout of mariculture in {place}, and clear aquaculture "
         "facilities out of the zones where aquaculture is prohibited",),
        ("effluent from large-scale aquaculture is treated up to standard before discharge; "
         "advance the investigation, remediation and standardised setting of mariculture "
         "outfalls",),
        ("improve the system for bringing mariculture waste ashore for disposal; equip net "
         "cages with waste bins, so that no waste enters the sea",),
        ("promote ecological, healthy aquaculture and control stocking density",),
    ),
    "水源": (
        (
            "in the first-grade protection zone of {place}, no new, rebuilt or expanded "
            "construction project unrelated to water-supply facilities and source protection "
            "is allowed",
            "in the second-grade protection zone, no new, rebuilt or expanded construction "
            "project that discharges pollutants is allowed",
        ),
        ("existing outfalls in the protection area are removed or closed according to law; "
         "net-cage aquaculture and livestock and poultry farming are prohibited",),
        ("improve the early-warning monitoring of the water source and the environmental "
         "emergency response plan for {place}, and install isolation and protection "
         "facilities",),
        ("safeguard the area of water-conservation forest and the ecological flow of {place}",),
    ),
    "城镇": (
        ("no new or expanded industrial project is allowed in {place} (except light-pollution "
         "urban-type industry); existing industrial enterprises move out of the town into "
         "industrial parks step by step",),
        (
            "the rate of centralised collection and treatment of urban domestic sewage keeps "
            "rising; effluent from wastewater treatment plants meets Grade 1A or a stricter "
            "standard",
            "strengthen the control of restaurant cooking fumes, construction dust and "
            "motor-vehicle exhaust",
        ),
        ("strengthen soil pollution risk control for construction land in {place}; sites "
         "vacated by key supervised entities must be investigated and assessed",),
        ("meet the \"green space within 300 m, a park within 500 m\" requirement; green "
         "coverage of the built-up urban area reaches 45% or more",),
    ),
    "农业": (
        ("in {county}, no new construction project that may pollute the soil is allowed where "
         "permanent basic farmland is concentrated",),
        ("advance reduced and more efficient use of chemical fertilisers and pesticides; the "
         "comprehensive utilisation rate of manure from large-scale livestock and poultry "
         "farms reaches 90% or more",),
        ("apply safe-use measures on contaminated farmland",),
        ("promote efficient water-saving irrigation; the effective utilisation coefficient of "
         "farmland irrigation water keeps rising",),
    ),
    "生态": (
        ("mining, quarrying, sand digging and other activities that damage ecosystems are "
         "prohibited in {place}; the conversion of forest land into construction land is "
         "strictly controlled",),
        ("no new project that discharges pollutants is allowed in {place}",),
        ("strengthen forest fire prevention and the control of forest pests and diseases",),
        ("carry out comprehensive control of soil erosion, and improve forest quality and "
         "water conservation",),
    ),
    "海洋保护": (
        ("no development or construction of any kind is allowed in the core and buffer zones "
         "of {place}; activities in the experimental zone must conform to the master plan of "
         "the protected area",),
        ("direct discharge of wastewater and dumping of waste into {place} are prohibited",),
        ("strengthen the supervision and patrolling of {place}, and guard against invasive "
         "alien species such as smooth cordgrass (Spartina alterniflora)",),
        ("protect coastal wetlands and natural shoreline; occupying the shoreline of {place} "
         "is strictly prohibited",),
    ),
    "": (
        ("new projects in {place} must fit the designated industrial positioning; new projects "
         "that do not conform to the park plan are prohibited",),
        ("production wastewater is pretreated and then treated centrally at the park's "
         "wastewater treatment plant; strictly enforce the applicable industry discharge "
         "standards",),
        ("enterprises prepare emergency response plans for environmental incidents and improve "
         "their facilities for collecting accident wastewater and for emergency response",),
        ("advance cleaner production audits and water-saving retrofits",),
    ),
}

#: The bay's own name is filled in as {bay} (the Chinese sentences spell it out).
BAY_EXTRA_EN = {
    "安海湾": (
        "pwwpfgk",
        "make every effort to advance the comprehensive ecological and environmental "
        "remediation of {bay}; by 2025 water worse than Class IV is eliminated from {bay} for "
        "good, and the classified remediation of sea outfalls is basically complete",
    ),
    "泉州湾": ("pwwpfgk", "by the end of 2023, basically complete the source-tracing "
               "investigation of the outfalls of {bay}, and advance the removal of smooth "
               "cordgrass (Spartina alterniflora) in {bay}"),
    "深沪湾": ("pwwpfgk", "by the end of 2023, basically complete the source-tracing "
               "investigation of the outfalls of {bay}; by 2025 {bay} is basically built into "
               "a beautiful bay"),
    "大港湾": ("kjbjys", "by 2025 {bay} is basically built into a beautiful bay; strictly "
               "protect its natural shoreline and beaches"),
    "湄洲湾": ("hjfxfk", "apply joint regional prevention and control around {bay}, and "
               "strengthen oil-spill risk prevention at the petrochemical wharves and in the "
               "shipping lanes of {bay}"),
}

FALLBACK_EN = "strictly apply the environmental zoning requirements of {county}"
