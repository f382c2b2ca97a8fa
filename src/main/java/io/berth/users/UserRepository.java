package io.berth.users;

import org.springframework.data.jpa.repository.JpaRepository;

interface UserRepository extends JpaRepository<DashboardUser, String> {

	long countByRole(Role role);

}
