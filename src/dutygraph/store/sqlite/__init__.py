"""The embedded store's SQLite parts: the tables (:mod:`.schema`), writing a change set
(:mod:`.writes`), the lazy reader (:mod:`.reader`) and the upgrade from the old
pickled format (:mod:`.upgrade`). The store itself is :class:`dutygraph.store.EmbeddedStore`."""
