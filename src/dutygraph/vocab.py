"""The dutygraph vocabulary as an rdflib namespace: ``DG`` and the value maps.

``DG`` lists every term of ``ontology/dutygraph.ttl`` (namespace
``https://w3id.org/dutygraph#``, prefix ``dg:``) and refuses any other, like
rdflib's own ``ORG``. Each record field has the property named by the field in
lowerCamelCase (:func:`field_property`); the controlled values of the model
(roles, levels, basis kinds, power types, gap and conflict kinds) are SKOS
concepts whose ``skos:notation`` is the model's string, and the maps below go
from that string to the concept.

>>> DG.validFrom
rdflib.term.URIRef('https://w3id.org/dutygraph#validFrom')
>>> field_property("attrs") == DG.attribute, ROLES["lead"] == DG.lead
(True, True)
>>> POWER_TYPES["行政检查"] == DG.administrativeInspection
True
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef

__all__ = [
    "BASIS_KINDS",
    "CONFLICT_KINDS",
    "DG",
    "GAP_KINDS",
    "LEVELS",
    "NAMESPACE",
    "POWER_TYPES",
    "ROLES",
    "field_property",
]

#: The namespace of the dutygraph ontology.
NAMESPACE = "https://w3id.org/dutygraph#"


class DG(DefinedNamespace):
    """The dutygraph ontology: cross-departmental regulatory duties (国办发〔2023〕1号).

    Generated from: ontology/dutygraph.ttl (tests/test_ontology.py keeps them equal)
    """

    _fail = True
    _NS = Namespace(NAMESPACE)

    # Classes (owl:Class)
    BasisKind: URIRef  # 依据类别 / kind of legal basis
    Behavior: URIRef  # 行为特征 / behaviour
    BusinessForm: URIRef  # 新业态 / business form
    Conflict: URIRef  # 职责冲突 / conflict
    ConflictKind: URIRef  # 冲突类型 / kind of conflict
    Department: URIRef  # 部门 / department
    Dispute: URIRef  # 管辖争议 / jurisdiction dispute
    Duty: URIRef  # 职责 / duty
    Finding: URIRef  # 发现 / finding
    Gap: URIRef  # 监管空白 / gap
    GapKind: URIRef  # 空白类型 / kind of gap
    Item: URIRef  # 监管事项 / regulatory item
    Law: URIRef  # 法律文本 / law
    LawArticle: URIRef  # 条 / article
    LawVersion: URIRef  # 法律版本 / law version
    LegalBasis: URIRef  # 依据 / legal basis
    Level: URIRef  # 政府层级 / government level
    Origin: URIRef  # 来源记录 / origin
    PowerType: URIRef  # 职权类型 / power type
    Region: URIRef  # 地区 / region
    RegionGroup: URIRef  # 区域 / region group
    Role: URIRef  # 职责角色 / role

    # Properties: one per model field, lowerCamelCase, plus asOf and evidence
    aliases: URIRef  # 别名 / aliases
    article: URIRef  # 条款 / article
    asOf: URIRef  # 截至日期 / as of
    attribute: URIRef  # 附加属性 / attribute
    bases: URIRef  # 依据 / legal bases
    basis: URIRef  # 明确依据 / basis
    behaviors: URIRef  # 行为特征 / behaviours
    chapter: URIRef  # 章节 / chapter
    claims: URIRef  # 主张 / claims
    code: URIRef  # 区划代码 / region code
    decision: URIRef  # 决定 / decision
    department: URIRef  # 部门 / department
    description: URIRef  # 描述 / description
    domain: URIRef  # 领域 / domain
    evidence: URIRef  # 证据 / evidence
    expired: URIRef  # 已失效 / expired
    file: URIRef  # 文件 / file
    files: URIRef  # 文件 / files
    history: URIRef  # 修订沿革 / history
    id: URIRef  # 标识 / identifier
    issuer: URIRef  # 制定机关 / issuer
    item: URIRef  # 监管事项 / item
    items: URIRef  # 触发事项 / items
    inVersion: URIRef  # 所属版本 / in version
    key: URIRef  # 条号键 / article key
    keyItem: URIRef  # 重点事项 / key item
    keywords: URIRef  # 关键词 / keywords
    kind: URIRef  # 类别 / kind
    lawFrom: URIRef  # 依法施行起 / in force from (by the law)
    lawLevel: URIRef  # 位阶 / level of an act
    lawTo: URIRef  # 依法施行止 / in force until (by the law)
    lawVersion: URIRef  # 法律版本 / law version
    level: URIRef  # 层级 / level
    levels: URIRef  # 实施层级 / implementing levels
    line: URIRef  # 条线 / line
    members: URIRef  # 成员地区 / members
    name: URIRef  # 名称 / name
    number: URIRef  # 条号 / article number
    objects: URIRef  # 监管对象 / supervised objects
    origin: URIRef  # 来源 / origin
    paragraphs: URIRef  # 款 / paragraphs
    parent: URIRef  # 上级 / parent
    parties: URIRef  # 当事部门 / parties
    powerType: URIRef  # 职权类型 / power type
    preamble: URIRef  # 序言 / preamble
    publish: URIRef  # 公布日期 / publication date
    raisedOn: URIRef  # 提起日期 / raised on
    region: URIRef  # 地区 / region
    repealedBy: URIRef  # 废止依据 / repealed by
    role: URIRef  # 角色 / role
    row: URIRef  # 行号 / row
    settledOn: URIRef  # 明确日期 / settled on
    sheet: URIRef  # 工作表 / sheet
    source: URIRef  # 来源清单 / source
    status: URIRef  # 状态 / status
    subject: URIRef  # 争议对象 / subject
    successor: URIRef  # 承继部门 / successor
    suffix: URIRef  # 之几 / article suffix
    superior: URIRef  # 上级部门 / superior
    systems: URIRef  # 条线 / systems
    title: URIRef  # 标题 / title
    validFrom: URIRef  # 生效日期 / valid from
    validTo: URIRef  # 失效日期 / valid to
    version: URIRef  # 版本 / version
    vertical: URIRef  # 垂直管理 / vertical

    # Concepts (skos:Concept); dg:lead and dg:assist are also properties
    administrativeAdjudication: URIRef  # 行政裁决 / administrative adjudication
    administrativeCompulsion: URIRef  # 行政强制 / administrative compulsion
    administrativeConfirmation: URIRef  # 行政确认 / administrative confirmation
    administrativeInspection: URIRef  # 行政检查 / administrative inspection
    administrativeLevy: URIRef  # 行政征收 / administrative levy
    administrativeLicensing: URIRef  # 行政许可 / administrative licensing
    administrativePayment: URIRef  # 行政给付 / administrative payment
    administrativePenalty: URIRef  # 行政处罚 / administrative penalty
    administrativeRegulation: URIRef  # 行政法规 / administrative regulation
    administrativeReward: URIRef  # 行政奖励 / administrative reward
    assist: URIRef  # 配合 / assist
    county: URIRef  # 县级 / county
    departmentRule: URIRef  # 部门规章 / department rule
    disputeDecision: URIRef  # 争议决定 / dispute decision
    law: URIRef  # 法律 / law
    lead: URIRef  # 牵头 / lead
    leadAbolished: URIRef  # 牵头部门已撤销 / lead abolished
    localRegulation: URIRef  # 地方性法规 / local regulation
    localRule: URIRef  # 地方政府规章 / local government rule
    multipleLeads: URIRef  # 多个牵头部门 / multiple leads
    national: URIRef  # 国家 / national
    noCounterpart: URIRef  # 无对应部门 / no counterpart
    noLead: URIRef  # 无牵头部门 / no lead
    noLegalBasis: URIRef  # 无有效依据 / no legal basis
    normativeDocument: URIRef  # 规范性文件 / normative document
    openDispute: URIRef  # 争议未决 / open dispute
    otherAdministrativePower: URIRef  # 其他行政权力 / other administrative power
    powerList: URIRef  # 权责清单 / power list
    prefecture: URIRef  # 市级 / prefecture
    province: URIRef  # 省级 / province
    sourceDisagreement: URIRef  # 来源不一致 / source disagreement
    territorial: URIRef  # 属地 / territorial
    threeDeterminations: URIRef  # 三定规定 / three-determinations provision
    township: URIRef  # 乡级 / township
    uncoveredBehavior: URIRef  # 行为未覆盖 / uncovered behaviour

    # Concept schemes
    basisKindScheme: URIRef  # 依据类别 / kinds of legal basis
    conflictKindScheme: URIRef  # 冲突类型 / kinds of conflict
    gapKindScheme: URIRef  # 空白类型 / kinds of gap
    levelScheme: URIRef  # 政府层级 / government levels
    powerTypeScheme: URIRef  # 职权类型 / power types
    roleScheme: URIRef  # 职责角色 / roles


#: Field names whose property does not follow the lowerCamelCase rule.
_FIELD_EXCEPTIONS = {"attrs": "attribute"}


def field_property(name: str) -> URIRef:
    """The property of a record field: its name in lowerCamelCase.

    >>> field_property("power_type"), field_property("raised_on")
    (rdflib.term.URIRef('https://w3id.org/dutygraph#powerType'), rdflib.term.URIRef('https://w3id.org/dutygraph#raisedOn'))
    """
    if name in _FIELD_EXCEPTIONS:
        return DG[_FIELD_EXCEPTIONS[name]]
    head, *rest = name.split("_")
    return DG[head + "".join(part.capitalize() for part in rest)]


#: ``Duty.role`` values → dg:Role concepts.
ROLES: dict[str, URIRef] = {
    "lead": DG.lead,
    "assist": DG.assist,
    "territorial": DG.territorial,
}

#: ``Region.level`` and ``Item.levels`` values → dg:Level concepts.
LEVELS: dict[str, URIRef] = {
    "national": DG.national,
    "province": DG.province,
    "prefecture": DG.prefecture,
    "county": DG.county,
    "township": DG.township,
}

#: ``LegalBasis.kind`` values → dg:BasisKind concepts.
BASIS_KINDS: dict[str, URIRef] = {
    "law": DG.law,
    "administrative-regulation": DG.administrativeRegulation,
    "local-regulation": DG.localRegulation,
    "department-rule": DG.departmentRule,
    "local-rule": DG.localRule,
    "normative-document": DG.normativeDocument,
    "three-determinations": DG.threeDeterminations,
    "power-list": DG.powerList,
    "decision": DG.disputeDecision,
}

#: ``Item.power_type`` values (职权类型) → dg:PowerType concepts.
POWER_TYPES: dict[str, URIRef] = {
    "行政许可": DG.administrativeLicensing,
    "行政处罚": DG.administrativePenalty,
    "行政强制": DG.administrativeCompulsion,
    "行政征收": DG.administrativeLevy,
    "行政给付": DG.administrativePayment,
    "行政检查": DG.administrativeInspection,
    "行政确认": DG.administrativeConfirmation,
    "行政奖励": DG.administrativeReward,
    "行政裁决": DG.administrativeAdjudication,
    "其他行政权力": DG.otherAdministrativePower,
}

#: Gap kinds (SPEC §3) → dg:GapKind concepts.
GAP_KINDS: dict[str, URIRef] = {
    "NO_LEAD": DG.noLead,
    "NO_COUNTERPART": DG.noCounterpart,
    "LEAD_ABOLISHED": DG.leadAbolished,
    "NO_LEGAL_BASIS": DG.noLegalBasis,
    "UNCOVERED_BEHAVIOR": DG.uncoveredBehavior,
}

#: Conflict kinds (SPEC §3) → dg:ConflictKind concepts.
CONFLICT_KINDS: dict[str, URIRef] = {
    "MULTIPLE_LEADS": DG.multipleLeads,
    "SOURCE_DISAGREEMENT": DG.sourceDisagreement,
    "OPEN_DISPUTE": DG.openDispute,
}
