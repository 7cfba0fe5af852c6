//! The index schema: each text field three ways (Chinese words, CJK bigrams, English
//! stems), exact fields for filters, pinyin keys for scripts, and ranking signals.

use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions,
};

pub(crate) const ZH: &str = "lore_zh";
pub(crate) const BIGRAM: &str = "lore_bigram";
pub(crate) const EN: &str = "lore_en";

/// A text field analysed three ways.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Triple {
    pub(crate) zh: Field,
    pub(crate) bi: Field,
    pub(crate) en: Field,
}

/// Every field of the index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fields {
    pub(crate) id: Field,
    pub(crate) kind: Field,
    /// The kind as a number (`rank::kind_rank`), for re-ranking a message's suggestions.
    pub(crate) kind_rank: Field,
    pub(crate) status: Field,
    pub(crate) category: Field,
    pub(crate) tags: Field,
    pub(crate) shortcode: Field,
    pub(crate) pinyin: Field,
    /// 1 when the title is English, 0 when Chinese: the query's language is preferred.
    pub(crate) english: Field,
    pub(crate) title: Triple,
    pub(crate) questions: Triple,
    pub(crate) body: Triple,
    pub(crate) extra: Triple,
    pub(crate) status_rank: Field,
    pub(crate) uses: Field,
    pub(crate) adopted: Field,
}

fn text(tokenizer: &str, stored: bool) -> TextOptions {
    // Frequencies without positions: queries are built from terms, never phrases, and
    // snippets re-tokenise the stored text.
    let options = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqs),
    );
    if stored {
        options.set_stored()
    } else {
        options
    }
}

fn triple(builder: &mut tantivy::schema::SchemaBuilder, name: &str, stored: bool) -> Triple {
    Triple {
        zh: builder.add_text_field(name, text(ZH, stored)),
        bi: builder.add_text_field(&format!("{name}_bi"), text(BIGRAM, false)),
        en: builder.add_text_field(&format!("{name}_en"), text(EN, false)),
    }
}

/// The schema and its fields.
pub(crate) fn build() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        kind: b.add_text_field("kind", STRING | STORED),
        kind_rank: b.add_u64_field("kind_rank", FAST),
        status: b.add_text_field("status", STRING),
        category: b.add_text_field("category", STRING),
        tags: b.add_text_field("tags", STRING),
        shortcode: b.add_text_field("shortcode", STRING),
        pinyin: b.add_text_field("pinyin", STRING),
        english: b.add_u64_field("english", FAST),
        title: triple(&mut b, "title", true),
        questions: triple(&mut b, "questions", true),
        body: triple(&mut b, "body", true),
        extra: triple(&mut b, "extra", false),
        status_rank: b.add_u64_field("status_rank", FAST | INDEXED),
        uses: b.add_u64_field("uses", FAST),
        adopted: b.add_u64_field("adopted", FAST),
    };
    (b.build(), fields)
}
