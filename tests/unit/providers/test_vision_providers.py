"""Vision models are shown the pages: rendered, downscaled, capped, and sent as image parts to a
real HTTP server on loopback."""

from __future__ import annotations

import base64
import io
import json
import sys
from pathlib import Path

import httpx
import pytest
from loopback_server import Reply, ScriptedServer
from PIL import Image
from test_http_providers import ANSWER, cf_ok, oa_ok, openai, workers

from leaselab_desktop.screening.documents import analyse_file
from leaselab_desktop.screening.facts import DocumentSet
from leaselab_desktop.screening.providers.vision import ImageCaps, model_takes_images, page_images

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "fixtures" / "documents"))
import doc_builders as b
import photo_builders as pb


@pytest.fixture()
async def client():  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient() as c:
        yield c


@pytest.fixture(scope="module")
def uploads(tmp_path_factory: pytest.TempPathFactory) -> tuple[DocumentSet, dict[str, Path]]:
    """A phone photo of a pay stub and a two-page PDF, analysed as at intake."""
    folder = tmp_path_factory.mktemp("uploads")
    photo = folder / "stub.jpg"
    photo.write_bytes(pb.phone_photo_jpeg(seed=21, orientation=6))
    pdf = folder / "bank.pdf"
    pdf.write_bytes(b.text_pdf(["Opening balance 1,000.00", "Closing balance 1,200.00"]))
    docs = [analyse_file("f1", "stub.jpg", "paystub", photo), analyse_file("f2", "bank.pdf", "bank_statement", pdf)]
    return DocumentSet(documents=docs), {"f1": photo, "f2": pdf}


def _decoded(url: str) -> Image.Image:
    head, data = url.split(",", 1)
    assert head == "data:image/jpeg;base64"
    return Image.open(io.BytesIO(base64.b64decode(data)))


def test_which_models_take_images() -> None:
    assert model_takes_images("@cf/meta/llama-3.2-11b-vision-instruct")
    assert model_takes_images("llava:13b") and model_takes_images("qwen2.5vl:7b") and model_takes_images("gpt-4o-mini")
    assert not model_takes_images("llama3.2") and not model_takes_images("@cf/meta/llama-3.1-8b-instruct")
    assert model_takes_images("my-custom-model", "on") and not model_takes_images("llava", "off")


async def test_openai_vision_request_carries_the_pages(server: ScriptedServer, client: httpx.AsyncClient,
                                                       uploads: tuple[DocumentSet, dict[str, Path]]) -> None:
    docs, paths = uploads
    images = page_images(docs.documents, paths)
    assert [(im.document, im.page) for im in images] == [("stub.jpg", 1), ("bank.pdf", 1)]
    server.add(Reply(200, oa_ok(json.dumps(ANSWER))))
    provider = openai(server, client)
    provider.model, provider.takes_images = "llava:13b", model_takes_images("llava:13b")
    await provider.extract(_lead(), docs, images=images)
    user = server.seen[0].body["messages"][-1]
    kinds = [part["type"] for part in user["content"]]
    assert kinds == ["text", "image_url", "image_url"]
    assert "stub.jpg p.1, bank.pdf p.1" in user["content"][0]["text"]
    assert "Gross pay" in user["content"][0]["text"]  # the OCR text travels with the image
    photo = _decoded(user["content"][1]["image_url"]["url"])
    assert max(photo.size) <= 1280 and photo.height > photo.width  # downscaled, upright per EXIF


async def test_text_model_gets_no_images(server: ScriptedServer, client: httpx.AsyncClient,
                                         uploads: tuple[DocumentSet, dict[str, Path]]) -> None:
    docs, paths = uploads
    server.add(Reply(200, oa_ok(json.dumps(ANSWER))))
    await openai(server, client).extract(_lead(), docs, images=page_images(docs.documents, paths))
    assert isinstance(server.seen[0].body["messages"][-1]["content"], str)  # llama3.2: text only


async def test_workers_ai_llama_vision_gets_one_image(server: ScriptedServer, client: httpx.AsyncClient,
                                                      uploads: tuple[DocumentSet, dict[str, Path]]) -> None:
    docs, paths = uploads
    server.add(Reply(200, cf_ok(ANSWER)))
    await workers(server, client).extract(_lead(), docs, images=page_images(docs.documents, paths))
    body = server.seen[0].body
    assert _decoded("data:image/jpeg;base64," + body["image"]).format == "JPEG"
    assert body["messages"][-1]["content"].endswith("Page image attached: stub.jpg p.1.")


def test_caps_limit_count_and_bytes(uploads: tuple[DocumentSet, dict[str, Path]]) -> None:
    docs, paths = uploads
    one = page_images(docs.documents, paths, ImageCaps(max_images=1))
    assert len(one) == 1
    small = page_images(docs.documents, paths, ImageCaps(max_side=400, max_bytes=20_000, max_total=30_000))
    assert small and all(len(im.data) <= 20_000 for im in small) and sum(len(im.data) for im in small) <= 30_000
    assert all(max(Image.open(io.BytesIO(im.data)).size) <= 400 for im in small)


def _lead():  # type: ignore[no-untyped-def]
    from provider_builders import lead

    return lead()
