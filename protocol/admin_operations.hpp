#pragma once

#include <string_view>

namespace musubi::protocol {

// Operations of the network's administration: organizations, users, the directory of colleagues,
// announcements and statistics.
namespace op {
inline constexpr std::string_view register_org = "org.register";
inline constexpr std::string_view list_orgs = "org.list";
inline constexpr std::string_view retire_org = "org.retire";
inline constexpr std::string_view confirm_staff = "org.confirm_staff";
inline constexpr std::string_view add_user = "user.add";
inline constexpr std::string_view list_users = "user.list";
inline constexpr std::string_view disable_user = "user.disable";
inline constexpr std::string_view enable_user = "user.enable";
inline constexpr std::string_view reset_signin = "user.reset_signin";
inline constexpr std::string_view search_directory = "directory.search";
inline constexpr std::string_view post_announcement = "announcement.post";
inline constexpr std::string_view list_announcements = "announcement.list";
inline constexpr std::string_view mark_announcements_read = "announcement.mark_read";
inline constexpr std::string_view statistics = "stats.summary";
}  // namespace op

}  // namespace musubi::protocol
