"""Write a WordPress WXR export with many comments, for measuring the importer.

    python benchmarks/gen_wxr.py 100000 /tmp/100k.xml [--per-post 100]

Posts are named ``bench-post-N`` (so ``--match slug`` finds them). In every post a fifth of
the comments are replies, some listed *before* their parent, and the statuses mix approved,
pending, spam and trash. The file is written as it is generated (constant memory).
"""

from __future__ import annotations

import argparse
import random
from xml.sax.saxutils import escape

STATUSES = ["1"] * 85 + ["0"] * 8 + ["spam"] * 5 + ["trash"] * 2
WORDS = [
    "lorem",
    "ipsum",
    "dolor",
    "sit",
    "amet",
    "consectetur",
    "adipiscing",
    "elit",
    "sed",
    "do",
    "eiusmod",
    "tempor",
]


def comment(cid: int, parent: int, rng: random.Random) -> str:
    body = escape(" ".join(rng.choice(WORDS) for _ in range(rng.randint(5, 60))))
    day = 1 + cid % 28
    return (
        "<wp:comment>"
        f"<wp:comment_id>{cid}</wp:comment_id>"
        f"<wp:comment_author><![CDATA[Reader {cid}]]></wp:comment_author>"
        f"<wp:comment_author_email>reader{cid}@example.com</wp:comment_author_email>"
        f"<wp:comment_author_url>https://reader{cid}.example.net/</wp:comment_author_url>"
        f"<wp:comment_author_IP>192.0.2.{cid % 250}</wp:comment_author_IP>"
        f"<wp:comment_date>2020-03-{day:02d} 12:{cid % 60:02d}:00</wp:comment_date>"
        f"<wp:comment_date_gmt>2020-03-{day:02d} 11:{cid % 60:02d}:00</wp:comment_date_gmt>"
        f"<wp:comment_content><![CDATA[<p>{body}</p>]]></wp:comment_content>"
        f"<wp:comment_approved>{rng.choice(STATUSES)}</wp:comment_approved>"
        "<wp:comment_type>comment</wp:comment_type>"
        f"<wp:comment_parent>{parent}</wp:comment_parent>"
        "<wp:comment_user_id>0</wp:comment_user_id>"
        "</wp:comment>\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("count", type=int)
    parser.add_argument("output")
    parser.add_argument("--per-post", type=int, default=100)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    cid = 0
    post = 0
    with open(args.output, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<wp:wxr_version>1.2</wp:wxr_version>\n'
        )
        while cid < args.count:
            post += 1
            out.write(
                f"<item><title>Post {post}</title><link>https://old.example.com/bench-post-{post}/</link>"
                f"<wp:post_id>{post}</wp:post_id><wp:post_name>bench-post-{post}</wp:post_name>"
                "<wp:post_type>post</wp:post_type>\n"
            )
            n = min(args.per_post, args.count - cid)
            ids = list(range(cid + 1, cid + n + 1))
            cid += n
            parents = {
                i: (rng.choice(ids[:k]) if k and rng.random() < 0.2 else 0)
                for k, i in enumerate(ids)
            }
            # Shuffle a little: some replies come before their parents in the file.
            order = ids[:]
            for k in range(0, len(order) - 1, 7):
                order[k], order[k + 1] = order[k + 1], order[k]
            for i in order:
                out.write(comment(i, parents[i], rng))
            out.write("</item>\n")
        out.write("</channel>\n</rss>\n")
    print(f"wrote {cid} comments on {post} posts to {args.output}")


if __name__ == "__main__":
    main()
