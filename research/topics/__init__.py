"""Topic models of paragraph units: :class:`research.topics.model.TopicModel` and
:func:`research.topics.model.fit_topic_model` (gensim as the reference engine for choosing K,
tomotopy Gibbs chains for the published consensus and guided models)."""
