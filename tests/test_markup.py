from django.test import SimpleTestCase

from comments_plugin.markup import linkify, render_body


class RenderBodyTests(SimpleTestCase):
    def test_html_is_escaped(self):
        html = render_body('<script>alert("x")</script> & <b onclick=1>')
        assert "<script>" not in html and "<b" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b onclick=1&gt;" in html

    def test_blank_lines_make_paragraphs_and_single_newlines_breaks(self):
        assert render_body("one\ntwo\n\n\nthree") == "<p>one<br>two</p><p>three</p>"

    def test_windows_and_old_mac_newlines_count_as_newlines(self):
        assert render_body("a\r\nb\r\rc") == "<p>a<br>b</p><p>c</p>"

    def test_surrounding_blank_lines_make_no_empty_paragraphs(self):
        assert render_body("\n\n  \n\nhi\n\n") == "<p>hi</p>"

    def test_http_and_https_urls_become_nofollow_links(self):
        html = render_body("see http://a.example/x?y=1&z=2 and HTTPS://B.example")
        assert (
            '<a href="http://a.example/x?y=1&amp;z=2" rel="nofollow ugc noopener">'
            "http://a.example/x?y=1&amp;z=2</a>" in html
        )
        assert '<a href="HTTPS://B.example" rel="nofollow ugc noopener">' in html

    def test_other_schemes_stay_text(self):
        for text in (
            "javascript:alert(1)",
            "data:text/html,<b>",
            "ftp://x.example/",
            "www.x.example",
        ):
            assert "<a " not in render_body(text), text

    def test_trailing_punctuation_is_not_part_of_the_link(self):
        html = linkify("Read https://x.example/page. Or (https://y.example/a_(b)).")
        assert 'href="https://x.example/page"' in html
        assert 'href="https://y.example/a_(b)"' in html
        assert html.endswith("</a>).")

    def test_a_quote_cannot_break_out_of_the_href(self):
        html = linkify('https://x.example/"onmouseover="alert(1)')
        assert 'href="https://x.example/"' in html
        assert '"onmouseover' not in html
        assert "&quot;onmouseover=&quot;alert(1)" in html

    def test_long_link_text_is_shortened_but_the_href_is_kept(self):
        url = "https://x.example/" + "a" * 200
        html = linkify(url)
        assert f'href="{url}"' in html
        assert "…</a>" in html

    def test_a_bare_scheme_is_not_a_link(self):
        assert "<a" not in linkify("https:// and http://")
