"""The two demo offices' document frames, as each would set them on its frame page.

Xunyi's reports go out from the leading group office of its 巩固衔接 work (its plan is
旬巩衔组发〔2024〕1号); Dongtou's from the district government office's supervision desk (its plan is
洞政办发〔2023〕14号). The recipients and copy lists follow the two plans' own 主送 and 抄送.
"""

FRAMES = {
    "610429000000": {
        "organ_mark": "旬邑县巩固衔接工作领导小组办公室",
        "number_pattern": "旬巩衔办发〔{year}〕{n}号",
        "main_recipients": "各镇党委、政府，城关街道党工委、办事处，县级各有关部门：",
        "signature": "旬邑县巩固衔接工作领导小组办公室",
        "copy_to": "县委办，县政府办，县纪委监委，县委督查室，县政府督查室。",
        "printed_by": "旬邑县巩固衔接工作领导小组办公室",
        "requirements": "\n".join([
            "各镇、各部门要对照红灯、黄灯指标逐项分析原因，制定整改措施，明确完成时限，确保按期销号。",
            "各牵头单位要在每月25日前如实报送进度，对迟报、漏报的单位予以通报。",
            "对连续两月亮红灯的指标，由县巩固衔接领导小组约谈牵头单位主要负责同志。",
        ]),
    },
    "330305000000": {
        "organ_mark": "温州市洞头区人民政府办公室",
        "number_pattern": "洞政办督〔{year}〕{n}号",
        "main_recipients": "各街道办事处，乡镇人民政府，区政府直属各单位：",
        "signature": "温州市洞头区人民政府办公室",
        "copy_to": "区委各部门，区人大常委会、区政协办公室，区人武部，区法院，区检察院。",
        "printed_by": "温州市洞头区人民政府办公室",
        "requirements": "\n".join([
            "各责任单位要紧盯年度目标，对进度滞后的任务倒排工期、挂图作战。",
            "区督查室将对红灯指标实行周调度，整改不到位的予以专项督办。",
        ]),
    },
}
