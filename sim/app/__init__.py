"""The classroom app: the same CountyModel, stepped live in the browser (Solara, Mesa's visualisation).

`county-sim app` serves `sim.app.app`; `sim.app.session` holds the parts that need no browser
(settings to scenario, the per-session model, what-if runs); `sim.app.i18n` every text in English
and Chinese.
"""
