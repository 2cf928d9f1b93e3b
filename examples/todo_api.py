# A small FastAPI service backed by a modal.Dict, with a /health route for uptime checks.
#
#   modal deploy todo_api.py

import uuid

import modal
from fastapi import FastAPI, HTTPException
from pydantic import BaseModel

image = modal.Image.debian_slim(python_version="3.12").uv_pip_install(
    "fastapi[standard]==0.115.12", "pydantic==2.11.3"
)

# The App was called "TodoAPI" until the rename; the suppression below was left behind.
app = modal.App("example-todo-api", image=image)  # modal-lint: ignore[kebab-case-name]
todos = modal.Dict.from_name("example-todo-items", create_if_missing=True)

web_app = FastAPI(title="todo-api")


class TodoIn(BaseModel):
    title: str
    done: bool = False


class Todo(TodoIn):
    id: str


@web_app.get("/health")
def health():
    return {"status": "ok"}


@web_app.get("/todos")
def list_todos() -> list[Todo]:
    return [Todo(**value) for value in todos.values()]


@web_app.post("/todos", status_code=201)
def create_todo(item: TodoIn) -> Todo:
    todo = Todo(id=uuid.uuid4().hex[:8], **item.model_dump())
    todos[todo.id] = todo.model_dump()
    return todo


@web_app.patch("/todos/{todo_id}")
def mark_done(todo_id: str) -> Todo:
    value = todos.get(todo_id)
    if value is None:
        raise HTTPException(status_code=404, detail="todo not found")
    value["done"] = True
    todos[todo_id] = value  # write the changed value back: Dict values are copies
    return Todo(**value)


@web_app.delete("/todos/{todo_id}", status_code=204)
def delete_todo(todo_id: str):
    todos.pop(todo_id, None)


@app.function(max_containers=10)
@modal.concurrent(max_inputs=50)
@modal.asgi_app()
def api():
    return web_app
