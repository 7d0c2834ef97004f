"""Dutch formats: one way to write dates and numbers. Lists and tables use the short
form (14-12-2026), running text the same with the weekday (maandag 14-12-2026);
24-hour times, comma decimals."""

DATE_FORMAT = "l d-m-Y"
SHORT_DATE_FORMAT = "d-m-Y"
DATETIME_FORMAT = "l d-m-Y, H:i"
SHORT_DATETIME_FORMAT = "d-m-Y H:i"
TIME_FORMAT = "H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
DECIMAL_SEPARATOR = ","
THOUSAND_SEPARATOR = "."
NUMBER_GROUPING = 3
FIRST_DAY_OF_WEEK = 1
