/* geodemo: Chinese names for streets, roads, firms, hills.  All synthetic
 * except the district and street (街道/镇) names, which follow Qingdao's
 * divisions; none of it describes a real firm, site or record. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "demo_internal.h"

const char *gd_class_cn(char code)
{
    switch (code) {
    case 'R': return "居住用地";
    case 'M': return "工业用地";
    case 'B': return "商业服务业用地";
    case 'G': return "绿地与开敞空间用地";
    case 'F': return "林地";
    case 'A': return "耕地";
    default: return "公用设施及其他用地";
    }
}

/* Names used in Qingdao's road names (provinces and cities), for synthetic roads. */
static const char *const ROAD_STEMS[] = {
    "重庆", "黑龙江", "四流", "九水", "金水", "青山", "枣山", "京口", "夏庄", "书院", "峰山",
    "唐山", "太原", "沈阳", "南昌", "长沙", "宜昌", "郑州", "洛阳", "开封", "兰州", "银川",
    "西宁", "拉萨", "昆明", "贵阳", "南宁", "福州", "厦门", "泉州", "漳州", "温州", "宁波",
    "绍兴", "嘉兴", "湖州", "苏州", "无锡", "常州", "镇江", "扬州", "泰州", "南通", "徐州",
    "连云港", "淮安", "盐城", "合肥", "芜湖", "安庆", "蚌埠", "阜阳", "济南", "淄博", "潍坊",
    "烟台", "威海", "日照", "临沂", "枣庄", "济宁", "泰安", "莱芜", "德州", "聊城", "滨州",
    "东营", "菏泽", "石家庄", "保定", "承德", "张家口", "秦皇岛", "沧州", "衡水", "邢台",
    "邯郸", "大同", "阳泉", "长治", "晋城", "朔州", "忻州", "吕梁", "临汾", "运城", "包头",
    "赤峰", "通辽", "鄂尔多斯", "呼伦贝尔", "锦州", "营口", "阜新", "辽阳", "铁岭", "朝阳",
    "葫芦岛", "鞍山", "抚顺", "本溪", "丹东", "吉林", "四平", "辽源", "通化", "白山", "松原",
    "白城", "延吉", "哈尔滨", "齐齐哈尔", "牡丹江", "佳木斯", "大庆", "伊春", "鸡西", "鹤岗",
    "双鸭山", "七台河", "黑河", "绥化", "大连", "鞍山", "湘潭", "株洲", "衡阳", "邵阳",
    "岳阳", "常德", "益阳", "郴州", "永州", "怀化", "娄底", "宝鸡", "咸阳", "渭南", "汉中",
    "延安", "榆林", "安康", "商洛", "天水", "武威", "张掖", "酒泉", "庆阳", "定西", "陇南",
    "海东", "石嘴山", "吴忠", "固原", "中卫", "克拉玛依", "吐鲁番", "哈密", "昌吉", "伊宁",
    "喀什", "和田", "阿克苏", "库尔勒", "自贡", "攀枝花", "泸州", "德阳", "绵阳", "广元",
    "遂宁", "内江", "乐山", "南充", "眉山", "宜宾", "广安", "达州", "雅安", "巴中", "资阳",
    "遵义", "安顺", "铜仁", "毕节", "六盘水", "曲靖", "玉溪", "保山", "昭通", "丽江", "普洱",
    "临沧", "大理", "桂林", "柳州", "梧州", "北海", "钦州", "贵港", "玉林", "百色", "贺州",
    "河池", "来宾", "崇左", "海口", "三亚", "儋州", "韶关", "珠海", "汕头", "佛山", "江门",
    "湛江", "茂名", "肇庆", "惠州", "梅州", "汕尾", "河源", "阳江", "清远", "东莞", "中山",
    "潮州", "揭阳", "云浮", "九江", "景德镇", "萍乡", "新余", "鹰潭", "赣州", "吉安", "宜春",
    "抚州", "上饶", "黄石", "十堰", "襄阳", "鄂州", "荆门", "孝感", "荆州", "黄冈", "咸宁",
    "随州", "恩施", "信阳", "南阳", "商丘", "周口", "驻马店", "许昌", "漯河", "三门峡", "平顶山",
    "焦作", "鹤壁", "新乡", "安阳", "濮阳",
};
static const int NSTEMS = (int)(sizeof ROAD_STEMS / sizeof ROAD_STEMS[0]);

static const char *const SUFFIX_MAJOR[] = {"路", "中路", "北路", "南路", "东路", "西路", "大道"};
static const char *const SUFFIX_MINOR[] = {"路", "支路", "街", "一路", "二路", "三路", "巷"};

/* Road names: one per lattice line and 5 km stretch, picked from a table
 * of composed names built once per process (pthread_once). */
#define NAME_TABLE 4096
static char name_table[NAME_TABLE][32];
static pthread_once_t name_table_once = PTHREAD_ONCE_INIT;

static void build_name_table(void)
{
    for (int k = 0; k < NAME_TABLE; k++) {
        uint64_t h = gd_hash(0x51ED, ST_ROADNAME, (uint64_t)k, 0, 0);
        const char *stem = ROAD_STEMS[h % (uint64_t)NSTEMS];
        int major = k < NAME_TABLE / 2;
        const char *suf = major ? SUFFIX_MAJOR[(h >> 20) % 7] : SUFFIX_MINOR[(h >> 20) % 7];
        snprintf(name_table[k], sizeof name_table[k], "%s%s", stem, suf);
    }
}

/* Called from gd_world_build before any writer. */
void gd_names_init(void)
{
    pthread_once(&name_table_once, build_name_table);
}

const char *gd_road_name(const gd_world *w, int vertical, int line, int pos)
{
    uint64_t h = gd_hash(w->seed, ST_ROADNAME, (uint64_t)vertical, (uint64_t)(int64_t)line,
                         (uint64_t)(int64_t)pos);
    int g = line < 0 ? -line : line;
    int major = g % 4 == 0;
    int k = (int)(h % (NAME_TABLE / 2)) + (major ? 0 : NAME_TABLE / 2);
    return name_table[k];
}

const char *const GD_EXPRESSWAYS[] = {
    "青银高速", "胶州湾高速", "青兰高速", "沈海高速", "青新高速", "龙青高速", "环湾高速",
    "青平高速", "董家口疏港高速", "青岛新机场高速", "杭州路快速路", "仙山东路快速路",
};
const int GD_NEXPRESSWAYS = (int)(sizeof GD_EXPRESSWAYS / sizeof GD_EXPRESSWAYS[0]);

const char *const GD_SYLLABLES[] = {
    "东", "西", "南", "北", "河", "山", "海", "泉", "林", "湖", "兴", "安", "华", "宁", "康",
    "泰", "和", "平", "新", "城", "阳", "港", "湾", "岭", "石", "桥", "庄", "家", "鑫", "盛",
    "恒", "通", "达", "瑞", "丰", "源", "汇", "宏", "远", "德", "信", "利", "昌", "隆", "福",
    "嘉", "润", "祥", "金", "银", "亿", "佳", "正", "海", "天", "宇", "星", "光", "明", "君",
};
const int GD_NSYLLABLES = (int)(sizeof GD_SYLLABLES / sizeof GD_SYLLABLES[0]);

const char *const GD_HILL_NAMES[] = {
    "卧狼齿山", "枣儿山", "烟墩山", "北岭山", "石门山", "崂山", "华楼山", "三标山", "铁骑山",
    "马山", "大珠山", "小珠山", "藏马山", "大泽山", "艾山", "东石山", "豹山", "五龙山", "少山",
    "凤凰山", "云溪山", "丹山", "驼山", "狼牙山", "浮山", "午山", "大顶山", "老君塔山", "毛公山",
};
const int GD_NHILL_NAMES = (int)(sizeof GD_HILL_NAMES / sizeof GD_HILL_NAMES[0]);

static const char *const INDUSTRIES[] = {
    "电子信息", "通用设备", "专用设备", "汽车零部件", "橡胶轮胎", "食品加工", "纺织服装",
    "家用电器", "化学原料", "新材料", "生物医药", "金属制品", "轨道交通装备", "船舶海工",
    "智能制造", "印刷包装",
};
static const int NINDUSTRIES = (int)(sizeof INDUSTRIES / sizeof INDUSTRIES[0]);

static const char *const INDUSTRY_WORD[] = {
    "电子", "机械", "装备", "汽车配件", "橡胶", "食品", "服饰", "电器", "化工", "新材料",
    "生物科技", "金属制品", "轨道装备", "海洋工程", "智能科技", "包装",
};

const char *gd_pick_industry(gd_rng *r) { return INDUSTRIES[gd_rng_int(r, NINDUSTRIES)]; }

void gd_company_name(gd_rng *r, const char *industry, char *buf, size_t len)
{
    int k = 0;
    for (int i = 0; i < NINDUSTRIES; i++)
        if (INDUSTRIES[i] == industry)
            k = i;
    const char *a = GD_SYLLABLES[gd_rng_int(r, GD_NSYLLABLES)];
    const char *b = GD_SYLLABLES[gd_rng_int(r, GD_NSYLLABLES)];
    const char *form = gd_rng_unif(r) < 0.15 ? "股份有限公司" : "有限公司";
    snprintf(buf, len, "青岛%s%s%s%s", a, b, INDUSTRY_WORD[k], form);
}
