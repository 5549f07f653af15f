from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class Word(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    none: _ClassVar[Word]
    sparse_pruning: _ClassVar[Word]
    quantization: _ClassVar[Word]
    survey: _ClassVar[Word]
    low_rank: _ClassVar[Word]
    fusion: _ClassVar[Word]
    tool: _ClassVar[Word]
    kv_cache: _ClassVar[Word]
    training: _ClassVar[Word]
    structure_design: _ClassVar[Word]
    sampling: _ClassVar[Word]
    working: _ClassVar[Word]
none: Word
sparse_pruning: Word
quantization: Word
survey: Word
low_rank: Word
fusion: Word
tool: Word
kv_cache: Word
training: Word
structure_design: Word
sampling: Word
working: Word

class Paper(_message.Message):
    __slots__ = ("title", "abbr", "url", "authors", "institutions")
    TITLE_FIELD_NUMBER: _ClassVar[int]
    ABBR_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    AUTHORS_FIELD_NUMBER: _ClassVar[int]
    INSTITUTIONS_FIELD_NUMBER: _ClassVar[int]
    title: str
    abbr: str
    url: str
    authors: _containers.RepeatedScalarFieldContainer[str]
    institutions: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, title: _Optional[str] = ..., abbr: _Optional[str] = ..., url: _Optional[str] = ..., authors: _Optional[_Iterable[str]] = ..., institutions: _Optional[_Iterable[str]] = ...) -> None: ...

class Pub(_message.Message):
    __slots__ = ("where", "year")
    WHERE_FIELD_NUMBER: _ClassVar[int]
    YEAR_FIELD_NUMBER: _ClassVar[int]
    where: str
    year: int
    def __init__(self, where: _Optional[str] = ..., year: _Optional[int] = ...) -> None: ...

class Code(_message.Message):
    __slots__ = ("type", "url")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    URL_FIELD_NUMBER: _ClassVar[int]
    type: str
    url: str
    def __init__(self, type: _Optional[str] = ..., url: _Optional[str] = ...) -> None: ...

class Note(_message.Message):
    __slots__ = ("url",)
    URL_FIELD_NUMBER: _ClassVar[int]
    url: str
    def __init__(self, url: _Optional[str] = ...) -> None: ...

class Keyword(_message.Message):
    __slots__ = ("words",)
    WORDS_FIELD_NUMBER: _ClassVar[int]
    words: _containers.RepeatedScalarFieldContainer[Word]
    def __init__(self, words: _Optional[_Iterable[_Union[Word, str]]] = ...) -> None: ...

class Cover(_message.Message):
    __slots__ = ("url",)
    URL_FIELD_NUMBER: _ClassVar[int]
    url: str
    def __init__(self, url: _Optional[str] = ...) -> None: ...

class PaperInfo(_message.Message):
    __slots__ = ("paper", "pub", "code", "note", "keyword", "cover")
    PAPER_FIELD_NUMBER: _ClassVar[int]
    PUB_FIELD_NUMBER: _ClassVar[int]
    CODE_FIELD_NUMBER: _ClassVar[int]
    NOTE_FIELD_NUMBER: _ClassVar[int]
    KEYWORD_FIELD_NUMBER: _ClassVar[int]
    COVER_FIELD_NUMBER: _ClassVar[int]
    paper: Paper
    pub: Pub
    code: Code
    note: Note
    keyword: Keyword
    cover: Cover
    def __init__(self, paper: _Optional[_Union[Paper, _Mapping]] = ..., pub: _Optional[_Union[Pub, _Mapping]] = ..., code: _Optional[_Union[Code, _Mapping]] = ..., note: _Optional[_Union[Note, _Mapping]] = ..., keyword: _Optional[_Union[Keyword, _Mapping]] = ..., cover: _Optional[_Union[Cover, _Mapping]] = ...) -> None: ...
