"""The graph of a Glue workflow and what a workflow run shows of it.

Nodes: every trigger whose WorkflowName is the workflow (creation order), and every
job or crawler that one of them starts (Actions) or watches (Predicate.Conditions).
Edges: trigger -> each job/crawler it starts; watched job/crawler -> trigger.
UniqueId: "wnode_" + 64 hex digits, a hash of workflow, type and name, so the same
node has the same id in GetWorkflow and in every run (ResumeWorkflowRun NodeIds).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from moto.glue.models import FakeTrigger

from crawlers import UNFINISHED_CRAWL, crawl_state

FINISHED_JOB = {"STOPPED", "SUCCEEDED", "FAILED", "TIMEOUT", "ERROR", "EXPIRED"}
START_TYPES = ("ON_DEMAND", "SCHEDULED", "EVENT")
# Statistics member for each job run state / crawl state.
STAT_OF = {
    "STARTING": "RunningActions", "RUNNING": "RunningActions", "STOPPING": "RunningActions",
    "CANCELLING": "RunningActions", "WAITING": "WaitingActions",
    "SUCCEEDED": "SucceededActions", "FAILED": "FailedActions", "STOPPED": "StoppedActions",
    "CANCELLED": "StoppedActions", "TIMEOUT": "TimeoutActions", "ERROR": "ErroredActions",
}
STAT_MEMBERS = ("TotalActions", "TimeoutActions", "FailedActions", "StoppedActions",
                "SucceededActions", "RunningActions", "ErroredActions", "WaitingActions")


def node_id(workflow: str, node_type: str, name: str) -> str:
    return "wnode_" + hashlib.sha256(f"{workflow}\0{node_type}\0{name}".encode()).hexdigest()


@dataclass
class Graph:
    workflow: str
    triggers: list[FakeTrigger] = field(default_factory=list)
    nodes: dict[str, tuple[str, str]] = field(default_factory=dict)  # uid -> (type, name)
    edges: list[tuple[str, str]] = field(default_factory=list)

    def add(self, node_type: str, name: str) -> str:
        uid = node_id(self.workflow, node_type, name)
        self.nodes.setdefault(uid, (node_type, name))
        return uid

    def link(self, source: str, destination: str) -> None:
        if (source, destination) not in self.edges:
            self.edges.append((source, destination))

    def downstream(self, starts: list[str]) -> set[str]:
        """The given nodes and every node reachable from them."""
        seen, todo = set(starts), list(starts)
        while todo:
            current = todo.pop()
            for source, destination in self.edges:
                if source == current and destination not in seen:
                    seen.add(destination)
                    todo.append(destination)
        return seen

    def start_trigger(self) -> FakeTrigger | None:
        starts = [t for t in self.triggers if t.trigger_type in START_TYPES]
        on_demand = [t for t in starts if t.trigger_type == "ON_DEMAND"]
        return (on_demand or starts or [None])[0]


def _target(item: Any) -> tuple[str, str] | None:
    if getattr(item, "job_name", None):
        return ("JOB", item.job_name)
    if getattr(item, "crawler_name", None):
        return ("CRAWLER", item.crawler_name)
    return None


def build(glue_backend, workflow: str) -> Graph:
    graph = Graph(workflow, [t for t in glue_backend.triggers.values() if t.workflow_name == workflow])
    for trigger in graph.triggers:
        tid = graph.add("TRIGGER", trigger.name)
        for condition in (trigger.predicate.conditions if trigger.predicate else []):
            target = _target(condition)
            if target:
                graph.link(graph.add(*target), tid)
        for action in trigger.actions:
            target = _target(action)
            if target:
                graph.link(tid, graph.add(*target))
    return graph


# --- node states within one workflow run ------------------------------------------------

def resolve(glue_backend, ref: tuple) -> Any:
    """A run reference -> the job run / crawl object (None if it is gone)."""
    kind, name, key = ref
    if kind == "CRAWLER":
        return key
    job = glue_backend.jobs.get(name)
    if job is None:
        return None
    return next((r for r in reversed(job.job_runs) if r.job_run_id == key), None)


def ref_state(glue_backend, ref: tuple) -> str | None:
    item = resolve(glue_backend, ref)
    if item is None:
        return None
    return crawl_state(item) if ref[0] == "CRAWLER" else item.status


def unfinished(glue_backend, ref: tuple) -> bool:
    state = ref_state(glue_backend, ref)
    if state is None:
        return False
    return state in UNFINISHED_CRAWL if ref[0] == "CRAWLER" else state not in FINISHED_JOB


def statistics(glue_backend, refs: list[tuple]) -> dict[str, int]:
    stats = dict.fromkeys(STAT_MEMBERS, 0)
    for ref in refs:
        state = ref_state(glue_backend, ref)
        if state is None:
            continue
        stats["TotalActions"] += 1
        member = STAT_OF.get(state)
        if member:
            stats[member] += 1
    return stats


def to_dict(glue_backend, graph: Graph, node_runs: dict[str, list[tuple]] | None) -> dict[str, Any]:
    """WorkflowGraph; with node_runs (a run's view) job/crawler nodes carry their runs."""
    by_name = {t.name: t for t in graph.triggers}
    nodes = []
    for uid, (node_type, name) in graph.nodes.items():
        node: dict[str, Any] = {"Type": node_type, "Name": name, "UniqueId": uid}
        refs = (node_runs or {}).get(uid, [])  # oldest first, as they were started
        items = [i for i in (resolve(glue_backend, r) for r in refs) if i is not None]
        if node_type == "TRIGGER":
            node["TriggerDetails"] = {"Trigger": by_name[name].as_dict()}
        elif node_type == "JOB":
            node["JobDetails"] = {"JobRuns": [i.as_dict() for i in items]} if items else {}
        else:
            crawls = [i.node_dict() if hasattr(i, "node_dict") else {"State": crawl_state(i)} for i in items]
            node["CrawlerDetails"] = {"Crawls": crawls} if crawls else {}
        nodes.append(node)
    edges = [{"SourceId": s, "DestinationId": d} for s, d in graph.edges]
    return {"Nodes": nodes, "Edges": edges}
