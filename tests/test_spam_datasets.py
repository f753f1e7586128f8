import tempfile
from pathlib import Path

from django.test import SimpleTestCase

from comments_plugin.spam.datasets import DatasetError, html_to_text, read_labelled

SAMPLE = Path(__file__).parent / "data" / "spam" / "youtube_psy_sample.csv"


class ReadLabelledTests(SimpleTestCase):
    def test_the_youtube_layout_is_read_and_cleaned(self):
        items = list(read_labelled(SAMPLE))
        assert len(items) == 40 and sum(i.is_spam for i in items) == 20
        assert items[0].author_name == "Julius NM"
        assert not any("\ufeff" in i.body for i in items)

    def test_youtube_html_becomes_plain_text(self):
        html = 'Hi&#39;s<br />see <a href="https://x.example/a?b=1&amp;c=2">link</a>\ufeff'
        assert html_to_text(html) == "Hi's\nsee  https://x.example/a?b=1&c=2"

    def test_the_generic_layout_with_optional_columns_is_read(self):
        path = self.write(
            "content,label,author,url\nBuy now,spam,Bob,http://b.example\nNice,ham,,\n"
        )
        items = list(read_labelled(path))
        assert [(i.body, i.is_spam, i.author_name, i.author_url) for i in items] == [
            ("Buy now", True, "Bob", "http://b.example"),
            ("Nice", False, "", ""),
        ]

    def test_unknown_headers_and_labels_are_clear_errors(self):
        with self.assertRaisesMessage(DatasetError, "expected a header"):
            list(read_labelled(self.write("text,class\nx,1\n")))
        with self.assertRaisesMessage(DatasetError, ":2: unknown label 'maybe'"):
            list(read_labelled(self.write("content,label\nx,maybe\n")))

    def write(self, text):
        directory = tempfile.TemporaryDirectory()
        self.addCleanup(directory.cleanup)
        path = Path(directory.name) / "data.csv"
        path.write_text(text, encoding="utf-8")
        return path
