"""City emphasis: statistics with uncertainty, publication figures and tables.

The names below are here, in a module that imports nothing, so that the CLI offers them as
choices without importing pandas."""

#: How groups are ordered: as the metadata's ``order`` column gives, by units (largest first),
#: or by name.
ORDER_RULES = ("given", "size", "name")
#: What a study groups documents by, each in words: (English singular, English plural, Chinese).
GROUPINGS = {"city": ("city", "cities", "城市"), "province": ("province", "provinces", "省份"),
             "year": ("year", "years", "年份"), "type": ("document type", "document types", "文件类型"),
             "level": ("level", "levels", "行政级别"), "place": ("place", "places", "地方")}
