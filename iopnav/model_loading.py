"""Loading a trained model without training any part of it again.

Two parts of Rasa 3.6 train at load time, on every Rasa server start and in
every test or script that loads the model (docs/performance.md, "Loading a
model"):

- CRFEntityExtractor stores its training set, not its model, and fits the
  CRF again (about 8 s here). StoredCRFEntityExtractor also stores the
  fitted taggers (sklearn-crfsuite pickles the crfsuite model file's bytes)
  and loads them when they are there. The fit is deterministic (L-BFGS from
  zero weights), so they are the taggers a fresh fit gives:
  tests/test_model_loading.py compares them weight for weight.

- TED, the dialogue policy's network, is built by one training step on one
  example (tracing the whole training graph, gradients and optimizer
  included) before its stored weights overwrite every variable (about 9 s
  here). `install` makes it create the same variables with that example's
  forward pass run eagerly instead, read the stored weights into them, then
  trace the prediction graph on the loaded weights as Rasa does. Weights
  and predictions are bit-equal (the same test). Fine-tuning keeps Rasa's
  way: it needs the optimizer.

`install` runs when this module is imported, which happens for every model
of ours before its components load: the pipeline names
StoredCRFEntityExtractor, so Rasa imports this module to read the graph.
"""

from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.extractors.crf_entity_extractor import CRFEntityExtractor, CRFToken
from rasa.shared.utils.io import read_json_file
from rasa.utils.tensorflow.data_generator import RasaBatchDataGenerator
from rasa.utils.tensorflow.models import RasaModel

from iopnav.nlu import storage

TAGGERS_FILE = "crf_taggers.pkl"
ORDER_FILE = "crf_order.json"


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class StoredCRFEntityExtractor(CRFEntityExtractor):
    """CRFEntityExtractor whose fitted taggers are stored with the model."""

    @property
    def name(self) -> Text:
        # Entities keep Rasa's extractor name: it is the same model, and the
        # overlap resolver (entity_overlaps.py) and Rasa's reports read it.
        return CRFEntityExtractor.__name__

    def persist(self, dataset: List[List[CRFToken]]) -> None:
        """Rasa's files (the training set, which its own loader refits from)
        and the fitted taggers beside them."""
        super().persist(dataset)
        storage.save(self._model_storage, self._resource, TAGGERS_FILE, self.entity_taggers)

    @classmethod
    def load(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
        **kwargs: Any,
    ) -> CRFEntityExtractor:
        """The stored taggers; Rasa's refit when a model has none."""
        taggers = storage.load(model_storage, resource, TAGGERS_FILE)
        if taggers is None:
            return super().load(config, model_storage, resource, execution_context, **kwargs)
        extractor = cls(config, model_storage, resource, taggers)
        with model_storage.read_from(resource) as model_dir:
            extractor.crf_order = read_json_file(model_dir / ORDER_FILE)
        return extractor


_RASA_LOAD = RasaModel.load.__func__


def _load_without_a_training_step(
    cls,
    model_file_name: Text,
    model_data_example: Any,
    predict_data_example: Optional[Any] = None,
    finetune_mode: bool = False,
    *args: Any,
    **kwargs: Any,
) -> RasaModel:
    """RasaModel.load, its one-example fit replaced by the same example's
    forward pass, eagerly (see the module docstring)."""
    if finetune_mode or not predict_data_example:
        return _RASA_LOAD(
            cls,
            model_file_name,
            model_data_example,
            predict_data_example,
            finetune_mode,
            *args,
            **kwargs,
        )
    model = cls(*args, **kwargs)
    # The training step's forward pass, eagerly, on the same one example
    # Rasa's fit takes: it creates every variable that fit would (the loss
    # reads every layer), without tracing a graph, computing gradients or
    # creating an optimizer. Each variable must exist before the weights are
    # read: one created later would be read then from the unpacked model
    # files, which are gone by then.
    batch, _ = RasaBatchDataGenerator(model_data_example, batch_size=1)[0]
    model._training = True
    model.batch_loss(batch)
    model._training = None
    # The stored optimizer state has no variables here: not needed to predict.
    model.load_weights(model_file_name).expect_partial()
    # As Rasa's load ends: the prediction graph traced once, on loaded weights.
    model.run_inference(predict_data_example)
    return model


def install() -> None:
    RasaModel.load = classmethod(_load_without_a_training_step)


def uninstall() -> None:
    """Rasa's own loader (for the test that compares the two)."""
    RasaModel.load = classmethod(_RASA_LOAD)


install()
