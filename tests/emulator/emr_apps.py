"""EMR Serverless application operations on top of moto 5.2.5 (state: emr.py).

* CreateApplication: clientToken idempotency, state CREATED (moto: STARTED), real
  createdAt/updatedAt (moto: midnight), and every model member moto drops is kept.
* Get/ListApplications: a read shows STARTING/STOPPING once, then STARTED/STOPPED.
* Start/StopApplication: STARTING / STOPPING (StopApplication refuses while runs are unfinished).
* Update/DeleteApplication: moto's checks, real updatedAt.
"""

from __future__ import annotations

from typing import Any

from moto.core.responses import ActionResult, EmptyResult
from moto.emrserverless.responses import EMRServerlessResponse

import emr
from emr import LOCK, constraint, validation
from emr_api import _backend, _limit, _list_param, _page

APP_MEMBERS = ("architecture", "imageConfiguration", "workerTypeSpecifications",
               "runtimeConfiguration", "monitoringConfiguration", "diskEncryptionConfiguration",
               "interactiveConfiguration", "schedulerConfiguration", "identityCenterConfiguration",
               "jobLevelCostAllocationConfiguration")


def create_application(self: EMRServerlessResponse) -> ActionResult:
    token = self._get_param("clientToken")
    with LOCK:
        backend = _backend(self)
        tokens = emr.store(backend)["app_tokens"]
        app = backend.applications.get(tokens.get(token)) if token else None
        if app is None:
            app = backend.create_application(
                name=self._get_param("name"), release_label=self._get_param("releaseLabel"),
                application_type=self._get_param("type"), client_token=token,
                initial_capacity=self._get_param("initialCapacity"),
                maximum_capacity=self._get_param("maximumCapacity"), tags=self._get_param("tags"),
                auto_start_configuration=self._get_param("autoStartConfiguration"),
                auto_stop_configuration=self._get_param("autoStopConfiguration"),
                network_configuration=self._get_param("networkConfiguration"))
            app.created_at = app.updated_at = emr.naive(emr.now())
            app.state = "CREATED"
            members = emr.app_extras(app)["members"]
            members.update({m: self._get_param(m) for m in APP_MEMBERS if self._get_param(m) is not None})
            if token:
                tokens[token] = app.id
        return ActionResult({"applicationId": app.id, "name": app.name, "arn": app.arn})


def get_application(self: EMRServerlessResponse) -> ActionResult:
    with LOCK:
        app = emr.app_of(_backend(self), self._get_param("applicationId"))
        answer = emr.app_full(app)
        emr.app_after_read(app)
    return ActionResult({"application": answer})


def list_applications(self: EMRServerlessResponse) -> ActionResult:
    states = _list_param(self, "states")
    for state in states:
        if state not in emr.APP_STATES:
            raise constraint(states, "states", emr.enum_rule(emr.APP_STATES))
    limit = _limit(self)
    with LOCK:
        apps = list(_backend(self).applications.values())
        order = {app.id: i for i, app in enumerate(apps)}
        apps = [a for a in apps if not states or a.state in states]
        # Creation order; the cursor key is (-position,) so that _page's "<" walks forward.
        page, token = _page(apps, lambda a: (-order[a.id],), limit, self._get_param("nextToken"))
        answer: dict[str, Any] = {"applications": [emr.app_summary(a) for a in page]}
        for app in page:
            emr.app_after_read(app)
    if token:
        answer["nextToken"] = token
    return ActionResult(answer)


def start_application(self: EMRServerlessResponse) -> EmptyResult:
    with LOCK:
        app = emr.app_of(_backend(self), self._get_param("applicationId"))
        if app.state in ("TERMINATED", "STOPPING", "CREATING"):
            raise validation(f"Application {app.id} is in {app.state} state and cannot be started")
        if app.state in ("CREATED", "STOPPED"):
            emr.set_app_state(app, "STARTING")
    return EmptyResult()


def stop_application(self: EMRServerlessResponse) -> EmptyResult:
    with LOCK:
        backend = _backend(self)
        app = emr.app_of(backend, self._get_param("applicationId"))
        if app.state in ("TERMINATED", "CREATING"):
            raise validation(f"Application {app.id} is in {app.state} state and cannot be stopped")
        if app.state in ("STARTED", "STARTING"):
            busy = emr.unfinished_runs(backend, app.id)
            if busy:
                raise validation(f"Application {app.id} has {busy} job run(s) that are not finished; "
                                 "cancel them or wait for them to finish before stopping it")
            emr.set_app_state(app, "STOPPING")
    return EmptyResult()


def update_application(self: EMRServerlessResponse) -> ActionResult:
    with LOCK:
        backend = _backend(self)
        app = backend.update_application(
            application_id=self._get_param("applicationId"),
            initial_capacity=self._get_param("initialCapacity"),
            maximum_capacity=self._get_param("maximumCapacity"),
            auto_start_configuration=self._get_param("autoStartConfiguration"),
            auto_stop_configuration=self._get_param("autoStopConfiguration"),
            network_configuration=self._get_param("networkConfiguration"))
        if self._get_param("releaseLabel"):
            app.release_label = self._get_param("releaseLabel")
        members = emr.app_extras(app)["members"]
        members.update({m: self._get_param(m) for m in APP_MEMBERS if self._get_param(m) is not None})
        app.updated_at = emr.naive(emr.now())
        return ActionResult({"application": emr.app_full(app)})


def delete_application(self: EMRServerlessResponse) -> EmptyResult:
    with LOCK:
        backend = _backend(self)
        backend.delete_application(application_id=self._get_param("applicationId"))
        app = backend.applications[self._get_param("applicationId")]
        emr.set_app_state(app, "TERMINATED")
    return EmptyResult()


HANDLERS = (create_application, get_application, list_applications, start_application,
            stop_application, update_application, delete_application)
