package a_test

import data.a

test_yaml_data_is_at_its_directory if {
	a.max_limit == 5
}

test_root_data_is_at_data if {
	a.top_level == 1
}
