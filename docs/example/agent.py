"""A tea shop's assistant: it finds a tea, checks the stock and holds some for a customer."""

from pydantic import BaseModel, Field

from plangate import Agent, AgentSpec, PolicyRules, Rule, Step, ToolContext, Toolset, intent, tool


class HoldArgs(BaseModel):
    tea: str = Field(description="The tea's name, e.g. 'sencha'.")
    grams: int = Field(ge=1, description="How much to hold, in grams.")


@tool(effect="read")
def find_tea(name: str, ctx: ToolContext[dict[str, int]]) -> list[str]:
    """Find the teas whose name contains a word."""
    return [tea for tea in ctx.deps if name.lower() in tea]


@tool(effect="read")
def check_stock(tea: str, ctx: ToolContext[dict[str, int]]) -> int:
    """Grams of a tea in stock."""
    return ctx.deps[tea]


@tool(effect="write")  # a write: it waits for a person's approval
def hold_tea(args: HoldArgs, ctx: ToolContext[dict[str, int]]) -> str:
    """Hold some grams of a tea for the customer."""
    ctx.deps[args.tea] -= args.grams
    return f"{args.grams} g of {args.tea} held"


class Answer(BaseModel):
    held: str | None  # None when nothing was held


@intent(r"hold (?P<grams>\d+) ?g of (?P<tea>\w+)", examples=("hold 50 g of sencha",))
def hold(match, ctx):
    """Hold some grams of a tea, if there is enough of it."""
    tea, grams = "${find[0]}", int(match["grams"])  # ${find[0]}: the first tea found
    enough = f"${{stock}} >= {grams}"  # the hold runs only if this holds
    return [
        Step(id="find", tool="find_tea", args={"name": match["tea"]}),
        Step(id="stock", tool="check_stock", args={"tea": tea}),
        Step(id="hold", tool="hold_tea", args={"tea": tea, "grams": grams}, condition=enough),
    ]


SPEC = AgentSpec(
    name="tea_shop",
    description="Holds tea for customers",
    instructions="Find the tea, check the stock, then hold what the customer asks for.",
    tools=("find_tea", "check_stock", "hold_tea"),
    response_model=Answer,
    policy=lambda tools: [PolicyRules([Rule("hold_tea", "grams", "<=", 500, "500 g at most")])],
    grammar=[hold],
    offline_answer=lambda request, steps: Answer(held=steps["hold"].get("result")),
)


def build_agent(shelf: dict[str, int] | None = None) -> Agent:
    tools = Toolset([find_tea, check_stock, hold_tea], deps=shelf or {"sencha": 800, "assam": 120})
    return Agent(SPEC, tools)
