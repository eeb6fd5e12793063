#include "tests/bench/dataset.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"

namespace meetings::bench {
namespace {

using meetings::v1::Document;
using meetings::v1::Meeting;
using meetings::v1::Organization;
using meetings::v1::Participant;
using meetings::v1::Site;

// Random streams: one per record kind, so adding a field to one kind never
// shifts the data of another.
enum Stream : uint64_t {
  kPersonStream = 1,
  kMeetingStream = 2,
};

struct Province {
  const char* name;
  const char* slug;
  bool city;  // centrally governed city (thành phố trực thuộc trung ương)
};

// The 63 provinces and centrally governed cities (before the 2025 merger).
constexpr Province kProvinces[] = {
    {"Hà Nội", "ha-noi", true},
    {"Hồ Chí Minh", "ho-chi-minh", true},
    {"Hải Phòng", "hai-phong", true},
    {"Đà Nẵng", "da-nang", true},
    {"Cần Thơ", "can-tho", true},
    {"An Giang", "an-giang", false},
    {"Bà Rịa - Vũng Tàu", "ba-ria-vung-tau", false},
    {"Bắc Giang", "bac-giang", false},
    {"Bắc Kạn", "bac-kan", false},
    {"Bạc Liêu", "bac-lieu", false},
    {"Bắc Ninh", "bac-ninh", false},
    {"Bến Tre", "ben-tre", false},
    {"Bình Định", "binh-dinh", false},
    {"Bình Dương", "binh-duong", false},
    {"Bình Phước", "binh-phuoc", false},
    {"Bình Thuận", "binh-thuan", false},
    {"Cà Mau", "ca-mau", false},
    {"Cao Bằng", "cao-bang", false},
    {"Đắk Lắk", "dak-lak", false},
    {"Đắk Nông", "dak-nong", false},
    {"Điện Biên", "dien-bien", false},
    {"Đồng Nai", "dong-nai", false},
    {"Đồng Tháp", "dong-thap", false},
    {"Gia Lai", "gia-lai", false},
    {"Hà Giang", "ha-giang", false},
    {"Hà Nam", "ha-nam", false},
    {"Hà Tĩnh", "ha-tinh", false},
    {"Hải Dương", "hai-duong", false},
    {"Hậu Giang", "hau-giang", false},
    {"Hòa Bình", "hoa-binh", false},
    {"Hưng Yên", "hung-yen", false},
    {"Khánh Hòa", "khanh-hoa", false},
    {"Kiên Giang", "kien-giang", false},
    {"Kon Tum", "kon-tum", false},
    {"Lai Châu", "lai-chau", false},
    {"Lâm Đồng", "lam-dong", false},
    {"Lạng Sơn", "lang-son", false},
    {"Lào Cai", "lao-cai", false},
    {"Long An", "long-an", false},
    {"Nam Định", "nam-dinh", false},
    {"Nghệ An", "nghe-an", false},
    {"Ninh Bình", "ninh-binh", false},
    {"Ninh Thuận", "ninh-thuan", false},
    {"Phú Thọ", "phu-tho", false},
    {"Phú Yên", "phu-yen", false},
    {"Quảng Bình", "quang-binh", false},
    {"Quảng Nam", "quang-nam", false},
    {"Quảng Ngãi", "quang-ngai", false},
    {"Quảng Ninh", "quang-ninh", false},
    {"Quảng Trị", "quang-tri", false},
    {"Sóc Trăng", "soc-trang", false},
    {"Sơn La", "son-la", false},
    {"Tây Ninh", "tay-ninh", false},
    {"Thái Bình", "thai-binh", false},
    {"Thái Nguyên", "thai-nguyen", false},
    {"Thanh Hóa", "thanh-hoa", false},
    {"Thừa Thiên Huế", "thua-thien-hue", false},
    {"Tiền Giang", "tien-giang", false},
    {"Trà Vinh", "tra-vinh", false},
    {"Tuyên Quang", "tuyen-quang", false},
    {"Vĩnh Long", "vinh-long", false},
    {"Vĩnh Phúc", "vinh-phuc", false},
    {"Yên Bái", "yen-bai", false},
};
constexpr int kNumProvinces = sizeof(kProvinces) / sizeof(kProvinces[0]);
static_assert(kNumProvinces == 63, "Viet Nam has 63 provinces and cities");

struct NamedSlug {
  const char* name;
  const char* slug;
};

// Member associations at national level (hội thành viên trung ương).
constexpr NamedSlug kNationalAssociations[] = {
    {"Hội Tin học Việt Nam", "hoi-tin-hoc-viet-nam"},
    {"Hội Vật lý Việt Nam", "hoi-vat-ly-viet-nam"},
    {"Hội Toán học Việt Nam", "hoi-toan-hoc-viet-nam"},
    {"Hội Hóa học Việt Nam", "hoi-hoa-hoc-viet-nam"},
    {"Tổng hội Y học Việt Nam", "tong-hoi-y-hoc-viet-nam"},
    {"Hội Cơ học Việt Nam", "hoi-co-hoc-viet-nam"},
    {"Hội Địa chất Việt Nam", "hoi-dia-chat-viet-nam"},
    {"Hội Kiến trúc sư Việt Nam", "hoi-kien-truc-su-viet-nam"},
    {"Tổng hội Xây dựng Việt Nam", "tong-hoi-xay-dung-viet-nam"},
    {"Hội Khoa học Kinh tế Việt Nam", "hoi-khoa-hoc-kinh-te-viet-nam"},
    {"Hội Làm vườn Việt Nam", "hoi-lam-vuon-viet-nam"},
    {"Hội Khoa học Lịch sử Việt Nam", "hoi-khoa-hoc-lich-su-viet-nam"},
    {"Hội Ngôn ngữ học Việt Nam", "hoi-ngon-ngu-hoc-viet-nam"},
    {"Hội Sinh lý học Việt Nam", "hoi-sinh-ly-hoc-viet-nam"},
    {"Hội Thủy lợi Việt Nam", "hoi-thuy-loi-viet-nam"},
    {"Hội Cầu đường cảng Việt Nam", "hoi-cau-duong-cang-viet-nam"},
    {"Hội Vô tuyến - Điện tử Việt Nam", "hoi-vo-tuyen-dien-tu-viet-nam"},
    {"Hội Tự động hóa Việt Nam", "hoi-tu-dong-hoa-viet-nam"},
    {"Hội Khoa học Đất Việt Nam", "hoi-khoa-hoc-dat-viet-nam"},
    {"Hội Bảo vệ Thiên nhiên và Môi trường Việt Nam", "hoi-bao-ve-thien-nhien-viet-nam"},
    {"Hội Đông y Việt Nam", "hoi-dong-y-viet-nam"},
    {"Hội Dược học Việt Nam", "hoi-duoc-hoc-viet-nam"},
    {"Hội Thú y Việt Nam", "hoi-thu-y-viet-nam"},
    {"Hội Chăn nuôi Việt Nam", "hoi-chan-nuoi-viet-nam"},
    {"Hội Khoa học Kỹ thuật Lâm nghiệp Việt Nam", "hoi-lam-nghiep-viet-nam"},
    {"Hội Nghề cá Việt Nam", "hoi-nghe-ca-viet-nam"},
    {"Hội Khoa học Tâm lý - Giáo dục Việt Nam", "hoi-tam-ly-giao-duc-viet-nam"},
    {"Hội Sở hữu trí tuệ Việt Nam", "hoi-so-huu-tri-tue-viet-nam"},
    {"Hội Năng lượng sạch Việt Nam", "hoi-nang-luong-sach-viet-nam"},
    {"Hội Khoa học và Công nghệ Tài nguyên nước Việt Nam", "hoi-tai-nguyen-nuoc-viet-nam"},
};
constexpr int kNumNationalAssociations =
    sizeof(kNationalAssociations) / sizeof(kNationalAssociations[0]);

// Member associations in every province (hội thành viên địa phương).
constexpr NamedSlug kProvincialAssociationFields[] = {
    {"Hội Tin học", "tin-hoc"},
    {"Hội Y học", "y-hoc"},
    {"Hội Làm vườn", "lam-vuon"},
    {"Hội Kiến trúc sư", "kien-truc-su"},
    {"Hội Khoa học Lịch sử", "lich-su"},
    {"Hội Đông y", "dong-y"},
    {"Hội Bảo vệ Thiên nhiên và Môi trường", "moi-truong"},
    {"Hội Khoa học Kinh tế", "kinh-te"},
};
constexpr int kFieldsPerProvince =
    sizeof(kProvincialAssociationFields) / sizeof(kProvincialAssociationFields[0]);

constexpr int kNationalUnion = 0;
constexpr int kFirstProvincialUnion = 1;
constexpr int kFirstNationalAssociation = kFirstProvincialUnion + kNumProvinces;
constexpr int kFirstProvincialAssociation = kFirstNationalAssociation + kNumNationalAssociations;

// Vietnamese names: family names with rough frequencies (percent-ish).
struct Weighted {
  const char* value;
  int weight;
};
constexpr Weighted kFamilyNames[] = {
    {"Nguyễn", 38}, {"Trần", 11}, {"Lê", 9}, {"Phạm", 7}, {"Hoàng", 5}, {"Huỳnh", 4},
    {"Phan", 4},    {"Vũ", 4},    {"Võ", 3}, {"Đặng", 2}, {"Bùi", 2},   {"Đỗ", 2},
    {"Hồ", 2},      {"Ngô", 2},   {"Dương", 1}, {"Lý", 1}, {"Đinh", 1}, {"Trương", 1},
    {"Lương", 1},
};
constexpr const char* kMaleMiddle[] = {"Văn",  "Hữu",  "Đức",  "Minh", "Quang", "Xuân", "Thanh",
                                       "Ngọc", "Khắc", "Quốc", "Tiến", "Mạnh",  "Công", "Trọng"};
constexpr const char* kFemaleMiddle[] = {"Thị",  "Thu",  "Thanh", "Ngọc", "Minh",
                                         "Hồng", "Thúy", "Mai",   "Kim",  "Phương"};
constexpr const char* kMaleGiven[] = {
    "An",  "Bình", "Chiến", "Dũng", "Hào",  "Hùng", "Huy", "Khoa", "Long",
    "Nam", "Phong", "Quân", "Sơn",  "Thao", "Thắng", "Tuấn", "Việt", "Vinh",
    "Cường", "Đạt", "Hải",  "Hiếu", "Kiên", "Lâm",  "Tùng", "Trung"};
constexpr const char* kFemaleGiven[] = {
    "Anh",  "Chi",  "Dung", "Giang", "Hà",    "Hạnh",  "Hoa", "Hương", "Lan", "Linh", "Loan",
    "Mai",  "Nga",  "Ngọc", "Nhung", "Phương", "Quyên", "Thảo", "Trang", "Vân", "Yến", "Hằng"};

// Academic titles and how often persons hold them (percent).
struct Title {
  std::vector<const char*> prefixes;  // Person.honorific_prefixes
  const char* as_written;             // Participant.title
  int weight;
};
const std::vector<Title>& Titles() {
  static const auto* titles = new std::vector<Title>{
      {{}, "", 35},
      {{"ThS"}, "ThS", 22},
      {{"TS"}, "TS", 25},
      {{"PGS.TS"}, "PGS.TS", 11},
      {{"GS", "TS"}, "GS.TS", 4},
      {{"TSKH"}, "TSKH", 3},
  };
  return *titles;
}

constexpr const char* kPositions[] = {
    "Chủ tịch",           "Phó Chủ tịch",   "Tổng Thư ký",
    "Phó Tổng Thư ký",    "Chánh Văn phòng", "Trưởng ban Khoa học và Công nghệ",
    "Ủy viên Ban Chấp hành", "Trưởng ban Tư vấn, Phản biện", "Hội viên"};

constexpr const char* kTopics[] = {
    "Chuyển đổi số trong hoạt động của các hội khoa học và kỹ thuật",
    "Phản biện xã hội đối với dự thảo Luật Khoa học và Công nghệ",
    "Ứng phó với biến đổi khí hậu ở đồng bằng sông Cửu Long",
    "Phát triển nông nghiệp công nghệ cao",
    "Bảo tồn đa dạng sinh học",
    "Nâng cao chất lượng nguồn nhân lực khoa học và công nghệ",
    "Y học cổ truyền trong chăm sóc sức khỏe cộng đồng",
    "Đổi mới sáng tạo và khởi nghiệp",
    "An toàn thông tin mạng",
    "Quy hoạch đô thị bền vững",
    "Năng lượng tái tạo",
    "Tư vấn, phản biện và giám định xã hội",
};

constexpr const char* kThemes[] = {
    "Hoàn thiện cơ chế, chính sách",
    "Đổi mới phương thức hoạt động",
    "Tăng cường phối hợp giữa các cụm hoạt động",
    "Kinh phí hoạt động của Liên hiệp hội",
    "Công tác tư vấn, phản biện và giám định xã hội",
    "Phát triển hội viên",
};

constexpr const char* kAgenda[] = {
    "Khai mạc và giới thiệu đại biểu",
    "Báo cáo kết quả hoạt động",
    "Báo cáo đề xuất phương hướng nhiệm vụ",
    "Thảo luận",
    "Phát biểu kết luận",
};

template <typename T, size_t N>
const T& Pick(Rng& rng, const T (&items)[N]) {
  return items[rng.Uniform(N)];
}

template <size_t N>
const char* PickWeighted(Rng& rng, const Weighted (&items)[N]) {
  int total = 0;
  for (const auto& item : items) total += item.weight;
  int roll = static_cast<int>(rng.Uniform(total));
  for (const auto& item : items) {
    if (roll < item.weight) return item.value;
    roll -= item.weight;
  }
  return items[N - 1].value;
}

const Title& PickTitle(Rng& rng) {
  int roll = static_cast<int>(rng.Uniform(100));
  for (const auto& t : Titles()) {
    if (roll < t.weight) return t;
    roll -= t.weight;
  }
  return Titles().front();
}

// Everything random about a person, from the person's own stream; both
// Person() and the participant titles in Meeting() use it, so they agree.
struct PersonDraw {
  const char* family;
  const char* middle;
  const char* given;
  const Title* title;
};

PersonDraw DrawPerson(uint64_t seed, int64_t index) {
  Rng rng(seed, kPersonStream, static_cast<uint64_t>(index));
  const bool female = rng.Percent(40);
  PersonDraw draw;
  draw.family = PickWeighted(rng, kFamilyNames);
  draw.middle = female ? Pick(rng, kFemaleMiddle) : Pick(rng, kMaleMiddle);
  draw.given = female ? Pick(rng, kFemaleGiven) : Pick(rng, kMaleGiven);
  draw.title = &PickTitle(rng);
  return draw;
}

std::string ProvinceName(int province) { return kProvinces[province].name; }

// "tỉnh Hưng Yên" / "thành phố Hà Nội".
std::string ProvinceWithKind(int province) {
  return absl::StrCat(kProvinces[province].city ? "thành phố " : "tỉnh ",
                      kProvinces[province].name);
}

meetings::v1::Date ToDate(absl::CivilDay day) {
  meetings::v1::Date d;
  d.set_year(static_cast<int32_t>(day.year()));
  d.set_month(day.month());
  d.set_day(day.day());
  return d;
}

std::string OrgName(const std::string& id) { return absl::StrCat("organizations/", id); }

std::string Hex(Rng& rng, int bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < bytes; ++i) {
    const uint64_t b = rng.Uniform(256);
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 15]);
  }
  return out;
}

// Asia/Ho_Chi_Minh is UTC+7 all year and has been since 1975; the data set
// starts long after.
constexpr int64_t kUtcOffsetSeconds = 7 * 3600;

int64_t UnixSeconds(absl::CivilDay day, int minutes_after_midnight) {
  return (day - absl::CivilDay(1970, 1, 1)) * 86400 + minutes_after_midnight * 60 -
         kUtcOffsetSeconds;
}

}  // namespace

Rng::Rng(uint64_t seed, uint64_t stream, uint64_t index) {
  state_ = seed * 0x9E3779B97F4A7C15ULL ^ (stream + 1) * 0xBF58476D1CE4E5B9ULL ^
           (index + 1) * 0x94D049BB133111EBULL;
  Next();
  Next();
}

uint64_t Rng::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Rng::Uniform(uint64_t n) {
  assert(n > 0);
  return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64);
}

const std::vector<std::string>& Dataset::Provinces() {
  static const auto* names = [] {
    auto* v = new std::vector<std::string>;
    for (const auto& p : kProvinces) v->push_back(p.name);
    return v;
  }();
  return *names;
}

Dataset::Dataset(DatasetOptions options) : options_(options) {
  num_persons_ = std::max(options_.min_persons, options_.meetings / options_.meetings_per_person);
  num_days_ = static_cast<int>(std::max<int64_t>(
      1, (options_.meetings + options_.meetings_per_day - 1) / options_.meetings_per_day));
  first_day_ = absl::CivilDay(2024, 12, 31) - (num_days_ - 1);

  organizations_.push_back({"vusta", "Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam",
                            "Liên hiệp hội Việt Nam", Organization::NATIONAL_UNION, -1, -1});
  for (int p = 0; p < kNumProvinces; ++p) {
    organizations_.push_back(
        {absl::StrCat("lhh-", kProvinces[p].slug),
         absl::StrCat("Liên hiệp các Hội Khoa học và Kỹ thuật ", ProvinceWithKind(p)),
         absl::StrCat("Liên hiệp hội ", ProvinceWithKind(p)), Organization::PROVINCIAL_UNION,
         kNationalUnion, p});
  }
  for (const auto& a : kNationalAssociations) {
    organizations_.push_back({a.slug, a.name, a.name, Organization::MEMBER_ASSOCIATION,
                              kNationalUnion, -1});
  }
  for (int p = 0; p < kNumProvinces; ++p) {
    for (const auto& f : kProvincialAssociationFields) {
      const std::string name = absl::StrCat(f.name, " ", ProvinceWithKind(p));
      organizations_.push_back({absl::StrCat(f.slug, "-", kProvinces[p].slug), name, name,
                                Organization::MEMBER_ASSOCIATION, kFirstProvincialUnion + p,
                                p});
    }
  }
}

Organization Dataset::Organization(int index) const {
  const OrgInfo& info = organizations_.at(index);
  v1::Organization org;
  org.set_display_name(info.display_name);
  org.set_short_name(info.short_name);
  org.set_classification(info.classification);
  if (info.parent >= 0) org.set_parent(OrgName(organizations_[info.parent].id));
  if (info.province >= 0) org.set_province(ProvinceName(info.province));
  if (index == kNationalUnion) {
    org.add_other_names("Vietnam Union of Science and Technology Associations");
    org.add_other_names("VUSTA");
  }
  auto* ext = org.add_external_ids();
  ext->set_scheme("vusta.vn");
  ext->set_value(absl::StrCat("org-", index));
  return org;
}

const std::string& Dataset::OrganizationId(int index) const { return organizations_.at(index).id; }

int Dataset::OrganizationParent(int index) const { return organizations_.at(index).parent; }

meetings::v1::Person Dataset::Person(int64_t index) const {
  const PersonDraw draw = DrawPerson(options_.seed, index);
  v1::Person person;
  person.set_full_name(absl::StrCat(draw.family, " ", draw.middle, " ", draw.given));
  person.set_family_name(draw.family);
  person.set_given_name(draw.given);
  for (const char* prefix : draw.title->prefixes) person.add_honorific_prefixes(prefix);
  auto* ext = person.add_external_ids();
  ext->set_scheme("vusta.vn");
  ext->set_value(absl::StrCat("cb-", index));
  return person;
}

std::string Dataset::PersonId(int64_t index) { return absl::StrCat("p", index); }

int Dataset::OrganizationWindowStarts() const {
  return std::max(1, num_days_ - kOrganizationWindowDays + 1);
}

GeneratedMeeting Dataset::Meeting(int64_t index, const std::string& id_prefix) const {
  Rng rng(options_.seed, kMeetingStream, static_cast<uint64_t>(index));
  GeneratedMeeting out;
  out.id = absl::StrCat(id_prefix, index);
  v1::Meeting& m = out.meeting;

  // When and by whom.
  const absl::CivilDay day = first_day_ + static_cast<int64_t>(rng.Uniform(num_days_));
  const int start_minute = 7 * 60 + static_cast<int>(rng.Uniform(17)) * 30;  // 07:00..15:00
  const int duration_minutes = 60 + static_cast<int>(rng.Uniform(7)) * 30;   // 1h..4h
  int lead;
  const uint64_t lead_roll = rng.Uniform(100);
  if (lead_roll < 10) {
    lead = kNationalUnion;
  } else if (lead_roll < 55) {
    lead = kFirstProvincialUnion + static_cast<int>(rng.Uniform(kNumProvinces));
  } else if (lead_roll < 70) {
    lead = kFirstNationalAssociation + static_cast<int>(rng.Uniform(kNumNationalAssociations));
  } else {
    lead = kFirstProvincialAssociation +
           static_cast<int>(rng.Uniform(kNumProvinces * kFieldsPerProvince));
  }
  const OrgInfo& lead_org = organizations_[lead];
  const int home_province = lead_org.province >= 0 ? lead_org.province : 0;  // Hà Nội

  std::vector<int> organizers = {lead};
  if (rng.Percent(25)) {
    // Co-organized with the parent (or, for the national union, a province).
    const int co = lead_org.parent >= 0
                       ? lead_org.parent
                       : kFirstProvincialUnion + static_cast<int>(rng.Uniform(kNumProvinces));
    organizers.push_back(co);
  }
  std::vector<int> participating;
  for (int k = static_cast<int>(rng.Uniform(4)); k > 0; --k) {
    const int org = static_cast<int>(rng.Uniform(organizations_.size()));
    if (std::find(organizers.begin(), organizers.end(), org) == organizers.end() &&
        std::find(participating.begin(), participating.end(), org) == participating.end()) {
      participating.push_back(org);
    }
  }

  static constexpr Meeting::Kind kKinds[] = {
      Meeting::BRIEFING, Meeting::BRIEFING,      Meeting::EXECUTIVE_COMMITTEE,
      Meeting::WORKSHOP, Meeting::WORKSHOP,      Meeting::CONFERENCE,
      Meeting::TRAINING, Meeting::WORKING_VISIT, Meeting::FORUM,
      Meeting::CEREMONY, Meeting::CONGRESS};
  const Meeting::Kind kind = Pick(rng, kKinds);
  const int year = static_cast<int>(day.year());
  const std::string& org_short = lead_org.short_name;
  const char* topic = Pick(rng, kTopics);
  std::string title;
  switch (kind) {
    case Meeting::BRIEFING:
      title = absl::StrCat("Hội nghị giao ban ", org_short, " quý ", (day.month() - 1) / 3 + 1,
                           " năm ", year);
      break;
    case Meeting::EXECUTIVE_COMMITTEE:
      title = absl::StrCat("Hội nghị Ban Chấp hành ", org_short, " lần thứ ",
                           2 + rng.Uniform(12), ", nhiệm kỳ ", year - 2, "-", year + 3);
      break;
    case Meeting::CONGRESS:
      title = absl::StrCat("Đại hội đại biểu ", org_short, " lần thứ ", 2 + rng.Uniform(8),
                           ", nhiệm kỳ ", year, "-", year + 5);
      break;
    case Meeting::WORKSHOP:
      title = absl::StrCat("Hội thảo khoa học “", topic, "”");
      break;
    case Meeting::FORUM:
      title = absl::StrCat("Diễn đàn “", topic, "”");
      break;
    case Meeting::TRAINING:
      title = absl::StrCat("Tập huấn “", topic, "”");
      break;
    case Meeting::WORKING_VISIT:
      title = absl::StrCat("Đoàn công tác ", org_short, " làm việc tại ",
                           ProvinceWithKind(static_cast<int>(rng.Uniform(kNumProvinces))));
      break;
    case Meeting::CEREMONY:
      title = absl::StrCat("Lễ kỷ niệm ", 5 * (1 + rng.Uniform(8)), " năm ngày thành lập ",
                           org_short);
      break;
    default:
      title = absl::StrCat("Hội nghị tổng kết công tác năm ", year - 1,
                           " và triển khai nhiệm vụ năm ", year, " của ", org_short);
      break;
  }
  m.set_title(title);
  m.set_kind(kind);
  const uint64_t status_roll = rng.Uniform(100);
  m.set_status(status_roll < 95 ? Meeting::HELD
                                : status_roll < 98 ? Meeting::CANCELLED : Meeting::POSTPONED);
  m.mutable_start_time()->set_seconds(UnixSeconds(day, start_minute));
  m.mutable_end_time()->set_seconds(UnixSeconds(day, start_minute + duration_minutes));
  m.set_time_zone("Asia/Ho_Chi_Minh");
  for (int o : organizers) m.add_organizers(OrgName(organizations_[o].id));
  for (int o : participating) m.add_participating_organizations(OrgName(organizations_[o].id));

  // Sites: the main venue in the lead's province, remote connection points
  // (điểm cầu) in other provinces hosted by their provincial unions.
  const uint64_t format_roll = rng.Uniform(100);
  const Meeting::Format format = format_roll < 50   ? Meeting::IN_PERSON
                                 : format_roll < 85 ? Meeting::HYBRID
                                                    : Meeting::ONLINE;
  m.set_format(format);
  std::vector<int> site_provinces = {home_province};
  std::vector<int> site_hosts = {lead};
  if (format != Meeting::IN_PERSON) {
    for (int k = 1 + static_cast<int>(rng.Uniform(8)); k > 0; --k) {
      const int p = static_cast<int>(rng.Uniform(kNumProvinces));
      if (std::find(site_provinces.begin(), site_provinces.end(), p) != site_provinces.end()) {
        continue;
      }
      site_provinces.push_back(p);
      site_hosts.push_back(kFirstProvincialUnion + p);
    }
  }
  std::vector<std::string> site_ids;
  for (size_t s = 0; s < site_provinces.size(); ++s) {
    Site* site = m.add_sites();
    site_ids.push_back(kProvinces[site_provinces[s]].slug);
    site->set_site_id(site_ids.back());
    site->set_kind(s == 0 ? Site::MAIN : Site::REMOTE);
    site->set_display_name(s == 0 ? absl::StrCat("Hội trường ", lead_org.short_name)
                                  : absl::StrCat("Điểm cầu ", ProvinceName(site_provinces[s])));
    site->set_address(absl::StrCat("Số ", 1 + rng.Uniform(200), " đường Trần Phú, ",
                                   ProvinceName(site_provinces[s])));
    site->set_province(ProvinceName(site_provinces[s]));
    site->set_host_organization(OrgName(organizations_[site_hosts[s]].id));
    site->set_attendee_count(static_cast<int32_t>(5 + rng.Uniform(60)));
  }

  // Whom participants act on behalf of.
  std::vector<int> behalf = organizers;
  for (int o : participating) behalf.push_back(o);
  for (int o : site_hosts) {
    if (std::find(behalf.begin(), behalf.end(), o) == behalf.end()) behalf.push_back(o);
  }

  // Participants: 10..200, distinct persons; sometimes a group counted whole.
  const int count = 10 + static_cast<int>(rng.Uniform(191));
  const bool with_group = rng.Percent(20);
  absl::flat_hash_set<int64_t> chosen;
  std::vector<std::string> presenter_ids;
  std::vector<std::string> presenter_persons;
  const int presenters = 1 + static_cast<int>(rng.Uniform(3));
  for (int i = 0; i < count; ++i) {
    Participant* p = m.add_participants();
    p->set_participant_id(absl::StrCat("pt", i + 1));
    if (with_group && i == count - 1) {
      const int host = static_cast<int>(rng.Uniform(site_hosts.size()));
      auto* g = p->mutable_group();
      g->set_description(absl::StrCat("Toàn thể cán bộ, viên chức Văn phòng ",
                                      organizations_[site_hosts[host]].short_name));
      g->set_organization(OrgName(organizations_[site_hosts[host]].id));
      g->set_member_count(static_cast<int32_t>(5 + rng.Uniform(36)));
      p->add_roles(Participant::ATTENDEE);
      p->set_site_id(site_ids[host]);
      p->set_attendance(Participant::PRESENT);
      continue;
    }
    int64_t person;
    do {
      person = static_cast<int64_t>(rng.Uniform(num_persons_));
    } while (!chosen.insert(person).second);
    p->set_person(absl::StrCat("persons/", PersonId(person)));
    // The title as of the meeting: the one on the person's record.
    p->set_title(DrawPerson(options_.seed, person).title->as_written);
    if (i == 0) {
      p->add_roles(Participant::CHAIR);
    } else if (i <= presenters) {
      p->add_roles(Participant::PRESENTER);
      presenter_ids.push_back(p->participant_id());
      presenter_persons.push_back(p->person());
    } else {
      const uint64_t r = rng.Uniform(100);
      p->add_roles(r < 5    ? Participant::SECRETARY
                   : r < 65 ? Participant::DELEGATE
                   : r < 75 ? Participant::GUEST
                            : Participant::ATTENDEE);
      if (rng.Percent(5)) p->add_roles(Participant::SPEAKER);
    }
    const int org = i == 0 ? lead : behalf[rng.Uniform(behalf.size())];
    if (i < 5 || rng.Percent(30)) {
      p->set_position(absl::StrCat(i == 0 ? kPositions[0] : Pick(rng, kPositions), " ",
                                   organizations_[org].short_name));
    }
    p->set_on_behalf_of(OrgName(organizations_[org].id));
    p->set_site_id(i < 5 ? site_ids[0] : site_ids[rng.Uniform(site_ids.size())]);
    const uint64_t a = rng.Uniform(100);
    p->set_attendance(a < 90   ? Participant::PRESENT
                      : a < 95 ? Participant::EXCUSED
                      : a < 98 ? Participant::ABSENT
                               : Participant::INVITED);
  }

  m.set_description(absl::StrCat(title, ". Hội nghị do ", lead_org.display_name,
                                 " tổ chức, với sự tham dự của ", count,
                                 " đại biểu tại ", site_ids.size(), " điểm cầu."));

  // Agenda, decisions, contributions, source.
  const int items = 1 + static_cast<int>(rng.Uniform(4));
  for (int i = 0; i < items; ++i) {
    auto* item = m.add_agenda_items();
    item->set_item_id(absl::StrCat("a", i + 1));
    item->set_title(kAgenda[i]);
    if (i == 1 && !presenter_ids.empty()) item->add_presenter_participant_ids(presenter_ids[0]);
  }
  for (int i = static_cast<int>(rng.Uniform(3)); i > 0; --i) {
    auto* d = m.add_decisions();
    d->set_decision_id(absl::StrCat("k", i));
    d->set_text(absl::StrCat("Giao ", lead_org.short_name, " chủ trì, phối hợp triển khai: ",
                             Pick(rng, kThemes), "."));
    d->set_stated_by_participant_id("pt1");
    d->add_responsible_organizations(OrgName(lead_org.id));
    *d->mutable_due_date() = ToDate(day + 90);
    d->set_status(v1::Decision::OPEN);
  }
  for (int i = static_cast<int>(rng.Uniform(5)); i > 0; --i) {
    auto* c = m.add_contributions();
    c->set_contribution_id(absl::StrCat("c", i));
    c->set_speaker_participant_id(absl::StrCat("pt", 1 + rng.Uniform(count - (with_group ? 1 : 0))));
    c->set_theme(Pick(rng, kThemes));
    c->set_summary("Đề nghị tăng cường trao đổi thông tin và chia sẻ kinh nghiệm giữa các đơn vị.");
  }
  auto* source = m.add_sources();
  source->set_uri(absl::StrCat("https://vusta.vn/tin-tuc/", out.id, ".html"));
  source->set_title(title);
  source->set_publisher("Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam");
  *source->mutable_published_date() = ToDate(day + static_cast<int64_t>(rng.Uniform(10)));
  source->set_category("Hoạt động Liên hiệp hội");
  source->set_view_count(static_cast<int64_t>(100 + rng.Uniform(5000)));

  // Documents: 1..5.
  const int documents = 1 + static_cast<int>(rng.Uniform(5));
  for (int i = 0; i < documents; ++i) {
    out.document_ids.push_back(absl::StrCat("d", i + 1));
    Document& d = out.documents.emplace_back();
    const uint64_t t = rng.Uniform(100);
    const Document::Type type = t < 50   ? Document::REPORT
                                : t < 70 ? Document::PROPOSAL
                                : t < 85 ? Document::MINUTES
                                : t < 95 ? Document::CONCLUSION
                                         : Document::PRESENTATION;
    d.set_type(type);
    const uint64_t s = rng.Uniform(100);
    d.set_status(s < 50 ? Document::DRAFT : s < 80 ? Document::FINAL : Document::ADOPTED);
    switch (type) {
      case Document::REPORT:
        d.set_title(absl::StrCat(d.status() == Document::DRAFT ? "Dự thảo " : "",
                                 "Báo cáo kết quả hoạt động ", day.month(), " tháng năm ", year,
                                 " của ", org_short));
        break;
      case Document::PROPOSAL:
        d.set_title(absl::StrCat("Báo cáo đề xuất: ", topic));
        break;
      case Document::MINUTES:
        d.set_title(absl::StrCat("Biên bản ", title));
        break;
      case Document::CONCLUSION:
        d.set_title(absl::StrCat("Thông báo kết luận của Chủ tịch ", org_short));
        break;
      default:
        d.set_title(absl::StrCat("Tham luận: ", topic));
        break;
    }
    d.set_version("1");
    const absl::CivilDay period_start(year, 1, 1);
    *d.mutable_period_start_date() = ToDate(period_start);
    *d.mutable_period_end_date() = ToDate(std::max(period_start, day - 1));
    if (!presenter_persons.empty()) {
      d.set_presenter(presenter_persons[rng.Uniform(presenter_persons.size())]);
    }
    d.add_author_organizations(OrgName(lead_org.id));
    d.set_summary(absl::StrCat("Tóm tắt: ", d.title(), "; trình bày tại ", title, "."));
    auto* file = d.add_files();
    file->set_uri(absl::StrCat("https://vusta.vn/files/", out.id, "/d", i + 1, ".pdf"));
    file->set_media_type("application/pdf");
    file->set_sha256(Hex(rng, 32));
    file->set_size_bytes(static_cast<int64_t>(50000 + rng.Uniform(2000000)));
    file->set_display_name(absl::StrCat("d", i + 1, ".pdf"));
  }
  return out;
}

}  // namespace meetings::bench
