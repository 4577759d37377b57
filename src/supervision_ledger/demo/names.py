"""The demo's fixed vocabulary: units, names, texts, and the mix of the year."""

from __future__ import annotations

from collections.abc import Generator
from datetime import datetime
from decimal import Decimal

from .. import commands as c
from ..application import CommandResult
from ..domain import LeadSource
from ..domain.values import ActivityType, CaseKind

#: A flow yields commands and is sent each command's result.
Flow = Generator[c.Command, CommandResult, None]
SubFlow = Generator[c.Command, CommandResult, datetime]

CITY, DISTRICT = "QY", "QY-QC"
CITY_NAME, DISTRICT_NAME = "清远市人民检察院", "清远市清城区人民检察院"
CHIEF = "刘某某"  # 检察长
DRAW_SEED_LIMIT = 2**63
#: Allowance per participation, in yuan.
ALLOWANCE = Decimal(200)

SURNAMES = (
    "朱陈李王张杨黄赵吴周徐孙马胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董潘袁蔡蒋余于杜叶程"
    "魏苏吕丁任卢姚沈钟姜崔谭陆范汪廖石金韦贾夏方邹熊白孟秦邱侯江尹薛段雷龙黎史陶贺毛郝顾龚邵"
)
INDUSTRIES = (
    "教育",
    "医疗卫生",
    "律师",
    "会计",
    "社区工作",
    "企业管理",
    "退休干部",
    "新闻媒体",
    "环境保护",
    "建筑工程",
)
SPECIALITIES = ("财会", "医学", "教育", "生态环境", "工程", "金融", "心理学")
LAW = "法律"
DEPARTMENTS = ("第一检察部", "第二检察部", "第三检察部", "第四检察部", "第五检察部")
OPINIONS = (
    "建议进一步加强释法说理，确保当事人理解处理决定。",
    "建议完善监管场所安全检查记录，及时消除隐患。",
    "建议对检察建议落实情况开展跟踪回访。",
    "公诉人举证质证规范，建议进一步简化示证方式、提高庭审效率。",
    "建议规范涉案财物管理台账，做到账物相符。",
    "建议在宣告送达时同步开展法治宣传。",
    "建议邀请相关职能部门共同参与整改验收。",
    "建议加强对未成年当事人的心理疏导和社会调查。",
)
CRIMES = ("盗窃", "危险驾驶", "诈骗", "故意伤害", "帮助信息网络犯罪活动", "非法吸收公众存款")
PARTLY_ADOPTED_EXPLANATION = (
    "意见中关于规范办案流程的建议已采纳；其余部分超出本院职权范围，未予采纳，已书面说明理由。"
)
NOT_ADOPTED_EXPLANATION = "经审查，相关做法符合法律规定，故未予采纳，已向人民监督员书面说明理由。"
TOPICS = ("食品安全", "校园周边安全", "电动自行车充电安全", "河道垃圾整治", "燃气安全")

RECOMMENDATIONS = {
    CaseKind.INTENDED_NON_PROSECUTION: ("同意作出不起诉决定", "建议提起公诉"),
    CaseKind.CRIMINAL_APPEAL: ("维持原处理决定", "建议重新审查"),
    CaseKind.CUSTODY_REVIEW: ("建议变更强制措施", "建议继续羁押"),
    CaseKind.PUBLIC_INTEREST_LITIGATION: ("同意发出诉前检察建议", "建议直接提起公益诉讼"),
    CaseKind.CIVIL_ADMINISTRATIVE_SUPERVISION: ("不支持监督申请", "支持监督申请"),
    CaseKind.ARREST_REVIEW: ("同意不批准逮捕", "建议批准逮捕"),
}
HEARING_KINDS = (
    (CaseKind.INTENDED_NON_PROSECUTION, 30),
    (CaseKind.CRIMINAL_APPEAL, 15),
    (CaseKind.CUSTODY_REVIEW, 15),
    (CaseKind.PUBLIC_INTEREST_LITIGATION, 15),
    (CaseKind.CIVIL_ADMINISTRATIVE_SUPERVISION, 20),
    (CaseKind.ARREST_REVIEW, 5),
)
CASE_PREFIX = {
    CaseKind.INTENDED_NON_PROSECUTION: "清城检刑不诉",
    CaseKind.CRIMINAL_APPEAL: "清城检刑申",
    CaseKind.CUSTODY_REVIEW: "清城检羁审",
    CaseKind.PUBLIC_INTEREST_LITIGATION: "清城检公益",
    CaseKind.CIVIL_ADMINISTRATIVE_SUPERVISION: "清城检民监",
    CaseKind.ARREST_REVIEW: "清城检捕",
}


#: How many activities of each type, around the figures of seed 001, and who is invited.
ACTIVITY_MIX: tuple[tuple[ActivityType, int, list[tuple[int, str | None]], int], ...] = (
    (ActivityType.COURT_APPEARANCE, 6, [(2, None)], 0),
    (ActivityType.CIRCUIT_INSPECTION, 5, [(3, None)], 0),
    (ActivityType.PROCURATORIAL_SUGGESTION, 3, [(1, LAW), (1, None)], 0),
    (ActivityType.DOCUMENT_SERVICE, 12, [(1, None)], 0),
    (ActivityType.QUALITY_REVIEW, 3, [(3, None)], 0),
    (ActivityType.CONDUCT_INSPECTION, 4, [(2, None)], 0),
    (ActivityType.WORK_BRIEFING, 1, [], 5),
    (ActivityType.OTHER, 8, [(1, None)], 1),
    (ActivityType.SUPERVISOR_INITIATED, 4, [], 0),
)
ACTIVITY_PREFIX = {
    ActivityType.COURT_APPEARANCE: "清城检刑诉",
    ActivityType.CIRCUIT_INSPECTION: "清城检巡",
    ActivityType.PROCURATORIAL_SUGGESTION: "清城检建",
    ActivityType.DOCUMENT_SERVICE: "清城检刑不诉",
    ActivityType.QUALITY_REVIEW: "清城检评",
    ActivityType.CONDUCT_INSPECTION: "清城检规",
    ActivityType.WORK_BRIEFING: "清城检通",
    ActivityType.OTHER: "清城检办",
    ActivityType.SUPERVISOR_INITIATED: "清城检监",
}

RECIPIENTS = (
    "清远市清城区市场监督管理局",
    "清远市生态环境局清城分局",
    "清远市清城区住房和城乡建设局",
    "清远市清城区水利局",
    "清远市清城区应急管理局",
    "清远市清城区教育局",
    "清远市清城区城市管理和综合执法局",
    "清远市清城区农业农村局",
)
PARTNERS = (
    "清远市公安局清城分局",
    "清远市清城区人民法院",
    "清远市清城区司法局",
    *RECIPIENTS,
    "清远市清城区自然资源局",
    "清远市清城区民政局",
    "清远市清城区妇女联合会",
    "共青团清远市清城区委员会",
    "清远市清城区卫生健康局",
)
COURT = "清远市清城区人民法院"
PETITION_SUBJECTS = (
    "不服不起诉决定，申请复查",
    "反映案件久拖未决",
    "控告办案人员违规办案",
    "申请民事裁判结果监督",
    "反映小区消防通道被占用",
    "反映河道非法采砂",
    "咨询认罪认罚从宽制度",
    "申请国家司法救助",
    "反映工程款拖欠问题",
)
LEAD_SUMMARIES = {
    LeadSource.GRID_WORKER: (
        "小区周边餐饮店油烟直排",
        "河道沿岸堆放建筑垃圾",
        "校园周边无证经营流动摊贩",
        "电动自行车楼道违规充电",
        "农村饮用水源地附近养殖污染",
        "老旧小区燃气管道锈蚀",
    ),
    LeadSource.NPC_SUGGESTION: ("农村饮用水安全隐患", "校外培训机构安全管理"),
    LeadSource.CPPCC_PROPOSAL: ("食品小作坊卫生安全", "历史文化建筑保护"),
    LeadSource.DEPARTMENT_TRANSFER: (
        "刑事案件中发现的非法占用农用地线索",
        "民事监督中发现的国有财产流失线索",
    ),
    LeadSource.AGENCY_REFERRAL: ("非法占用耕地建房", "违法排放工业废水", "销售过期食品"),
    LeadSource.OTHER: ("媒体报道的河道污染问题", "网络平台反映的食品安全问题"),
}
TRANSFERRING = ("清远市清城区市场监督管理局", "清远市生态环境局清城分局", "清远市清城区自然资源局")
#: The procuratorate's own departments, which transfer leads to each other (检察一体化).
OWN_DEPARTMENTS = ("第一检察部", "第五检察部", "第六检察部")
COMMITTEE_OPINIONS = (
    "建议依法从轻处罚，适用缓刑。",
    "建议依法认定自首情节。",
    "建议维持原判，驳回上诉。",
    "认为原审量刑畸重，建议依法改判。",
    "建议对涉案财物依法予以没收。",
)
