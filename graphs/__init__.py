"""plangate graphs: the LangGraph engine. The only package that imports langgraph."""
