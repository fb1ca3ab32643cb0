"""Reference data the sandbox domains share: airports and their cities, and the ticker universe.

Every sandbox draws from these lists, so a city with flights also has restaurants, venue guides
and calendar time zones, and every ticker with bars also has research notes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Airport:
    """An airport and the city it serves.

    Attributes:
        iata: three-letter IATA code.
        name: the airport's name.
        city: the city, as people write it.
        country: ISO 3166-1 alpha-2 country code.
        timezone: IANA time zone of the airport.
        lat: latitude in degrees.
        lon: longitude in degrees.
        currency: ISO 4217 code of the local currency.
    """

    iata: str
    name: str
    city: str
    country: str
    timezone: str
    lat: float
    lon: float
    currency: str


AIRPORTS: tuple[Airport, ...] = (
    Airport("LIS", "Humberto Delgado", "Lisbon", "PT", "Europe/Lisbon", 38.774, -9.134, "EUR"),
    Airport("OPO", "Francisco Sá Carneiro", "Porto", "PT", "Europe/Lisbon", 41.248, -8.681, "EUR"),
    Airport("MAD", "Adolfo Suárez Madrid-Barajas", "Madrid", "ES", "Europe/Madrid", 40.472, -3.561, "EUR"),
    Airport("BCN", "Josep Tarradellas Barcelona-El Prat", "Barcelona", "ES", "Europe/Madrid", 41.297, 2.078, "EUR"),
    Airport("CDG", "Paris Charles de Gaulle", "Paris", "FR", "Europe/Paris", 49.010, 2.548, "EUR"),
    Airport("LHR", "London Heathrow", "London", "GB", "Europe/London", 51.470, -0.454, "GBP"),
    Airport("DUB", "Dublin", "Dublin", "IE", "Europe/Dublin", 53.421, -6.270, "EUR"),
    Airport("AMS", "Amsterdam Schiphol", "Amsterdam", "NL", "Europe/Amsterdam", 52.310, 4.768, "EUR"),
    Airport("BRU", "Brussels", "Brussels", "BE", "Europe/Brussels", 50.901, 4.484, "EUR"),
    Airport("FRA", "Frankfurt", "Frankfurt", "DE", "Europe/Berlin", 50.033, 8.571, "EUR"),
    Airport("BER", "Berlin Brandenburg", "Berlin", "DE", "Europe/Berlin", 52.366, 13.503, "EUR"),
    Airport("MUC", "Munich", "Munich", "DE", "Europe/Berlin", 48.354, 11.786, "EUR"),
    Airport("ZRH", "Zurich", "Zurich", "CH", "Europe/Zurich", 47.458, 8.555, "CHF"),
    Airport("VIE", "Vienna International", "Vienna", "AT", "Europe/Vienna", 48.110, 16.570, "EUR"),
    Airport("FCO", "Rome Fiumicino", "Rome", "IT", "Europe/Rome", 41.800, 12.239, "EUR"),
    Airport("MXP", "Milan Malpensa", "Milan", "IT", "Europe/Rome", 45.630, 8.723, "EUR"),
    Airport("CPH", "Copenhagen", "Copenhagen", "DK", "Europe/Copenhagen", 55.618, 12.656, "DKK"),
    Airport("ARN", "Stockholm Arlanda", "Stockholm", "SE", "Europe/Stockholm", 59.652, 17.919, "SEK"),
    Airport("ATH", "Athens International", "Athens", "GR", "Europe/Athens", 37.936, 23.947, "EUR"),
    Airport("IST", "Istanbul", "Istanbul", "TR", "Europe/Istanbul", 41.262, 28.742, "TRY"),
    Airport("JFK", "John F. Kennedy International", "New York", "US", "America/New_York", 40.641, -73.778, "USD"),
    Airport("BOS", "Boston Logan", "Boston", "US", "America/New_York", 42.366, -71.010, "USD"),
    Airport("ORD", "Chicago O'Hare", "Chicago", "US", "America/Chicago", 41.974, -87.907, "USD"),
    Airport("SFO", "San Francisco International", "San Francisco", "US", "America/Los_Angeles", 37.621, -122.379, "USD"),
    Airport("LAX", "Los Angeles International", "Los Angeles", "US", "America/Los_Angeles", 33.942, -118.408, "USD"),
    Airport("YYZ", "Toronto Pearson", "Toronto", "CA", "America/Toronto", 43.678, -79.625, "CAD"),
    Airport("NRT", "Tokyo Narita", "Tokyo", "JP", "Asia/Tokyo", 35.772, 140.393, "JPY"),
    Airport("SIN", "Singapore Changi", "Singapore", "SG", "Asia/Singapore", 1.364, 103.992, "SGD"),
    Airport("DXB", "Dubai International", "Dubai", "AE", "Asia/Dubai", 25.253, 55.365, "AED"),
    Airport("SYD", "Sydney Kingsford Smith", "Sydney", "AU", "Australia/Sydney", -33.940, 151.175, "AUD"),
)  # fmt: skip

AIRPORTS_BY_IATA: dict[str, Airport] = {airport.iata: airport for airport in AIRPORTS}
CITIES: tuple[str, ...] = tuple(dict.fromkeys(airport.city for airport in AIRPORTS))


def airport_for_city(city: str) -> Airport | None:
    """The airport serving ``city`` (case-insensitive), if the sandbox world has one."""
    wanted = city.strip().casefold()
    return next((a for a in AIRPORTS if a.city.casefold() == wanted), None)


@dataclass(frozen=True)
class Ticker:
    """A listed company in the sandbox market.

    Attributes:
        symbol: the ticker symbol.
        name: the company's name.
        sector: its sector.
        base_price: the price the seeded price path starts near, in USD.
        volatility: annualised volatility of the seeded price path.
    """

    symbol: str
    name: str
    sector: str
    base_price: float
    volatility: float


TICKERS: tuple[Ticker, ...] = (
    Ticker("AAPL", "Apple Inc.", "Technology", 190.0, 0.25),
    Ticker("MSFT", "Microsoft Corporation", "Technology", 410.0, 0.24),
    Ticker("NVDA", "NVIDIA Corporation", "Technology", 120.0, 0.50),
    Ticker("GOOGL", "Alphabet Inc.", "Communication Services", 165.0, 0.28),
    Ticker("AMZN", "Amazon.com, Inc.", "Consumer Discretionary", 180.0, 0.30),
    Ticker("META", "Meta Platforms, Inc.", "Communication Services", 500.0, 0.35),
    Ticker("TSLA", "Tesla, Inc.", "Consumer Discretionary", 220.0, 0.60),
    Ticker("AMD", "Advanced Micro Devices, Inc.", "Technology", 150.0, 0.50),
    Ticker("INTC", "Intel Corporation", "Technology", 30.0, 0.40),
    Ticker("ORCL", "Oracle Corporation", "Technology", 140.0, 0.30),
    Ticker("CRM", "Salesforce, Inc.", "Technology", 270.0, 0.32),
    Ticker("ADBE", "Adobe Inc.", "Technology", 520.0, 0.30),
    Ticker("NFLX", "Netflix, Inc.", "Communication Services", 650.0, 0.38),
    Ticker("JPM", "JPMorgan Chase & Co.", "Financials", 200.0, 0.22),
    Ticker("BAC", "Bank of America Corporation", "Financials", 40.0, 0.26),
    Ticker("GS", "The Goldman Sachs Group, Inc.", "Financials", 460.0, 0.27),
    Ticker("V", "Visa Inc.", "Financials", 275.0, 0.20),
    Ticker("MA", "Mastercard Incorporated", "Financials", 460.0, 0.21),
    Ticker("JNJ", "Johnson & Johnson", "Health Care", 155.0, 0.16),
    Ticker("PFE", "Pfizer Inc.", "Health Care", 28.0, 0.24),
    Ticker("UNH", "UnitedHealth Group Incorporated", "Health Care", 520.0, 0.22),
    Ticker("LLY", "Eli Lilly and Company", "Health Care", 780.0, 0.30),
    Ticker("XOM", "Exxon Mobil Corporation", "Energy", 115.0, 0.24),
    Ticker("CVX", "Chevron Corporation", "Energy", 155.0, 0.24),
    Ticker("KO", "The Coca-Cola Company", "Consumer Staples", 62.0, 0.14),
    Ticker("PEP", "PepsiCo, Inc.", "Consumer Staples", 170.0, 0.15),
    Ticker("WMT", "Walmart Inc.", "Consumer Staples", 68.0, 0.18),
    Ticker("COST", "Costco Wholesale Corporation", "Consumer Staples", 850.0, 0.20),
    Ticker("DIS", "The Walt Disney Company", "Communication Services", 100.0, 0.28),
    Ticker("BA", "The Boeing Company", "Industrials", 180.0, 0.35),
    Ticker("CAT", "Caterpillar Inc.", "Industrials", 340.0, 0.27),
    Ticker("SPY", "SPDR S&P 500 ETF Trust", "ETF", 540.0, 0.15),
)

TICKERS_BY_SYMBOL: dict[str, Ticker] = {ticker.symbol: ticker for ticker in TICKERS}
